import {
  MeetingEventType,
  type HandChangedEvent,
  type LockChangedEvent,
  type ParticipantRemovedEvent,
} from '@qual-meet/protocol';
import { encodeMemberEvent } from '../bus-events';
import { parseConnection } from '../connection-id';
import type { RoomBus } from '../room-bus';
import {
  sortHands,
  type JoinOutcome,
  type JoinRequest,
  type LeaveAnnouncement,
  type Member,
  type MembershipStore,
} from './membership-store';
import type { HandOutcome, MeetingStore } from './meeting-store';

/** A room's meeting state, as the `room_lock`, `room_removed` and `room_hands` keys hold it. */
interface MeetingState {
  /** Present while locked: who may still join. */
  lock: Set<string> | undefined;
  removed: Set<string>;
  hands: Map<string, number>;
}

/**
 * The membership and meeting semantics of the Lua scripts, in memory, for unit tests of the room
 * logic. Several nodes share one instance (one "Redis"); changes are announced on `bus`, as the
 * scripts publish them. Presence never expires by itself: tests call {@link expirePresence}.
 */
export class InMemoryMembershipStore implements MembershipStore, MeetingStore {
  private readonly rooms = new Map<string, Map<string, Member>>();
  private readonly meetings = new Map<string, MeetingState>();
  private readonly present = new Set<string>();
  private readonly aliveUntil = new Map<string, number>();
  private readonly runs = new Map<string, string>();
  /** Resume rights by presence key: `<token hash>:<connection>`, as `resume_token:*` holds it. */
  private readonly resumeRights = new Map<string, string>();

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
        this.dropSeat(roomId, member.userId);
        this.announce(roomId, 'user_left', member);
      }
    }
    const meeting = this.meetings.get(roomId);
    if (meeting?.removed.has(userId)) return { status: 'removed' };
    const previous = members.get(userId);
    const key = presenceKey(roomId, userId);
    const resumed =
      request.mode === 'resume' &&
      previous !== undefined &&
      previous.connection !== connection &&
      this.resumeRights.get(key) === `${request.presentedTokenHash}:${previous.connection}`;
    if (
      request.mode !== 'reassert' &&
      !resumed &&
      !request.isHost &&
      meeting?.lock &&
      !meeting.lock.has(userId)
    ) {
      return { status: 'locked' };
    }
    if (previous && previous.connection !== connection && request.mode === 'reassert') {
      return { status: 'taken' };
    }
    if (!previous && others >= request.maxParticipants) return { status: 'full' };
    const member = { userId, connection, displayName: request.displayName, domain: request.domain };
    members.set(userId, member);
    this.present.add(key);
    this.resumeRights.set(key, `${request.tokenHash}:${connection}`);
    this.announce(roomId, 'user_joined', { ...member, resumed });
    const hands = [...(meeting?.hands ?? [])].map(([id, raisedAt]) => ({ userId: id, raisedAt }));
    // As the join script replies: the others in the order they took their seats, then the joiner.
    const seated = [...members.values()].filter((other) => other.userId !== userId);
    return {
      status: 'joined',
      members: [...seated, member],
      meeting: { locked: meeting?.lock !== undefined, hands: sortHands(hands) },
      resumed,
    };
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
      this.dropSeat(roomId, userId);
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
        this.dropSeat(roomId, member.userId);
        this.present.delete(presenceKey(roomId, member.userId));
        this.announce(roomId, 'user_left', member);
        removed += 1;
      }
    }
    this.aliveUntil.delete(nodeId);
    return removed;
  }

  async setLock(roomId: string, hostId: string, locked: boolean) {
    const members = this.membersOf(roomId);
    if (!members.has(hostId)) return 'not_in_room' as const;
    const meeting = this.meetingOf(roomId);
    if (locked === (meeting.lock !== undefined)) return false;
    meeting.lock = locked ? new Set([hostId, ...members.keys()]) : undefined;
    this.publish(roomId, { type: MeetingEventType.lockChanged, from: hostId, data: { locked } });
    return true;
  }

  async remove(roomId: string, hostId: string, userId: string) {
    const members = this.membersOf(roomId);
    if (!members.has(hostId)) return 'not_in_room' as const;
    const meeting = this.meetingOf(roomId);
    meeting.removed.add(userId);
    meeting.lock?.delete(userId);
    const member = members.get(userId);
    if (!member) return false;
    this.dropSeat(roomId, userId);
    this.present.delete(presenceKey(roomId, userId));
    this.publish(roomId, {
      type: MeetingEventType.participantRemoved,
      from: hostId,
      to: userId,
      data: { roomId },
    });
    this.announce(roomId, 'user_left', member);
    return true;
  }

  async setHand(request: Parameters<MeetingStore['setHand']>[0]): Promise<HandOutcome> {
    const { roomId, userId, raised } = request;
    const seat = this.membersOf(roomId).get(userId);
    if (!seat || (request.connection !== undefined && seat.connection !== request.connection)) {
      return { status: 'not_member' };
    }
    const hands = this.meetingOf(roomId).hands;
    const current = hands.get(userId);
    if (raised === (current !== undefined)) return { status: 'unchanged', raisedAt: current };
    const raisedAt = raised
      ? Math.max(this.now(), ...[...hands.values()].map((at) => at + 1))
      : undefined;
    if (raisedAt === undefined) hands.delete(userId);
    else hands.set(userId, raisedAt);
    const data = raisedAt === undefined ? { userId, raised } : { userId, raised, raisedAt };
    this.publish(roomId, { type: MeetingEventType.handChanged, from: request.from, data });
    return { status: 'changed', raisedAt };
  }

  /** The meeting state recorded for a room, or `undefined` once it was forgotten (emptied). */
  meetingState(roomId: string): MeetingState | undefined {
    return this.meetings.get(roomId);
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

  private meetingOf(roomId: string): MeetingState {
    let meeting = this.meetings.get(roomId);
    if (!meeting) {
      meeting = { lock: undefined, removed: new Set(), hands: new Map() };
      this.meetings.set(roomId, meeting);
    }
    return meeting;
  }

  /** Takes a seat and its hand away; the last one out takes the meeting's state along. */
  private dropSeat(roomId: string, userId: string): void {
    const members = this.membersOf(roomId);
    members.delete(userId);
    this.meetings.get(roomId)?.hands.delete(userId);
    if (members.size === 0) this.meetings.delete(roomId);
  }

  /** Publishes a meeting event as the Lua scripts do. */
  private publish(
    roomId: string,
    envelope: HandChangedEvent | LockChangedEvent | ParticipantRemovedEvent,
  ): void {
    void this.bus.publish(roomId, JSON.stringify(envelope));
  }

  private announce(
    roomId: string,
    type: 'user_joined' | 'user_left',
    member: { userId: string; connection: string; displayName?: string; resumed?: boolean },
  ): void {
    const data =
      type === 'user_joined' ? member : { userId: member.userId, connection: member.connection };
    void this.bus.publish(roomId, encodeMemberEvent(type, data));
  }
}

const presenceKey = (roomId: string, userId: string) => `${roomId}/${userId}`;
