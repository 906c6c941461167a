import { encodeMemberEvent } from '../bus-events';
import { parseConnection } from '../connection-id';
import type { RoomBus } from '../room-bus';
import type {
  JoinOutcome,
  JoinRequest,
  LeaveAnnouncement,
  Member,
  MembershipStore,
} from './membership-store';

/**
 * The membership semantics of the Lua scripts, in memory, for unit tests of the room logic.
 * Several nodes share one instance (one "Redis"); changes are announced on `bus`, as the scripts
 * publish them. Presence never expires by itself: tests call {@link expirePresence}.
 */
export class InMemoryMembershipStore implements MembershipStore {
  private readonly rooms = new Map<string, Map<string, Member>>();
  private readonly present = new Set<string>();
  private readonly aliveUntil = new Map<string, number>();
  private readonly runs = new Map<string, string>();

  constructor(
    private readonly bus: RoomBus,
    private readonly now: () => number = Date.now,
  ) {}

  async join(request: JoinRequest): Promise<JoinOutcome> {
    const { roomId, userId, connection } = request;
    const members = this.membersOf(roomId);
    let others = 0;
    for (const member of [...members.values()]) {
      if (member.userId === userId) continue;
      if (this.present.has(presenceKey(roomId, member.userId))) {
        others += 1;
      } else {
        members.delete(member.userId);
        this.announce(roomId, 'user_left', member);
      }
    }
    const previous = members.get(userId);
    if (previous && previous.connection !== connection && request.mode === 'reassert') {
      return { status: 'taken' };
    }
    if (!previous && others >= request.maxParticipants) return { status: 'full' };
    const member = { userId, connection, displayName: request.displayName };
    members.set(userId, member);
    this.present.add(presenceKey(roomId, userId));
    this.announce(roomId, 'user_joined', member);
    return { status: 'joined', members: [...members.values()] };
  }

  async leave(
    roomId: string,
    userId: string,
    connection: string,
    announce: LeaveAnnouncement,
  ): Promise<boolean> {
    const members = this.membersOf(roomId);
    const removed = members.get(userId)?.connection === connection;
    if (removed) {
      members.delete(userId);
      this.present.delete(presenceKey(roomId, userId));
    }
    if (announce === 'always' || (announce === 'if-removed' && removed)) {
      this.announce(roomId, 'user_left', { userId, connection });
    }
    return removed;
  }

  async refresh(roomId: string, userId: string, connection: string): Promise<boolean> {
    if (this.membersOf(roomId).get(userId)?.connection !== connection) return false;
    this.present.add(presenceKey(roomId, userId));
    return true;
  }

  async markAlive(nodeId: string, runId: string, ttlMs: number): Promise<boolean> {
    const wasAlive = (this.aliveUntil.get(nodeId) ?? 0) > this.now();
    this.aliveUntil.set(nodeId, this.now() + ttlMs);
    this.runs.set(nodeId, runId);
    return wasAlive;
  }

  /** The run of `nodeId` recorded as alive, if it is (what the Redis alive key holds). */
  aliveRun(nodeId: string): string | undefined {
    return (this.aliveUntil.get(nodeId) ?? 0) > this.now() ? this.runs.get(nodeId) : undefined;
  }

  async deadNodes(selfId: string): Promise<string[]> {
    return [...this.aliveUntil]
      .filter(([id, until]) => id !== selfId && until <= this.now())
      .map(([id]) => id);
  }

  async sweepNode(nodeId: string, force: boolean): Promise<number> {
    if (!force && (this.aliveUntil.get(nodeId) ?? 0) > this.now()) return -1;
    let removed = 0;
    for (const [roomId, members] of this.rooms) {
      for (const member of [...members.values()]) {
        if (parseConnection(member.connection).nodeId !== nodeId) continue;
        members.delete(member.userId);
        this.present.delete(presenceKey(roomId, member.userId));
        this.announce(roomId, 'user_left', member);
        removed += 1;
      }
    }
    this.aliveUntil.delete(nodeId);
    return removed;
  }

  /** Lets a member's presence lapse, as if it had missed its heartbeats for the TTL. */
  expirePresence(roomId: string, userId: string): void {
    this.present.delete(presenceKey(roomId, userId));
  }

  /** The members recorded for a room. */
  members(roomId: string): Member[] {
    return [...this.membersOf(roomId).values()];
  }

  private membersOf(roomId: string): Map<string, Member> {
    let members = this.rooms.get(roomId);
    if (!members) {
      members = new Map();
      this.rooms.set(roomId, members);
    }
    return members;
  }

  private announce(
    roomId: string,
    type: 'user_joined' | 'user_left',
    member: { userId: string; connection: string; displayName?: string },
  ): void {
    const data =
      type === 'user_joined' ? member : { userId: member.userId, connection: member.connection };
    void this.bus.publish(roomId, encodeMemberEvent(type, data));
  }
}

const presenceKey = (roomId: string, userId: string) => `${roomId}/${userId}`;
