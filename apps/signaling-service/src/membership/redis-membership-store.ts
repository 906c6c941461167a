import { defineScript, RedisKeys, type Redis, type RedisScript } from '@qual-meet/redis';
import { parseConnection } from '../connection-id';
import { ROOM, USER } from './key-templates';
import { JOIN_ROOM_LUA } from './scripts/join-room';
import { LEAVE_ROOM_LUA } from './scripts/leave-room';
import { REFRESH_PRESENCE_LUA } from './scripts/refresh-presence';
import { SWEEP_NODE_LUA } from './scripts/sweep-node';
import {
  handsOf,
  memberOf,
  type JoinOutcome,
  type JoinRequest,
  type LeaveAnnouncement,
  type Member,
  type MembershipStore,
} from './membership-store';

/** The keys of a meeting's lock, removals and hands, in the order the scripts take them. */
export function meetingKeys(roomId: string): string[] {
  return [RedisKeys.roomLock(roomId), RedisKeys.roomRemoved(roomId), RedisKeys.roomHands(roomId)];
}

/**
 * {@link MembershipStore} on Redis: `room_members:{roomId}` hashes, `presence:{roomId}:{userId}`
 * keys with a TTL, and node liveness keys, changed only by the Lua scripts in `./scripts`.
 */
export class RedisMembershipStore implements MembershipStore {
  private readonly joinScript: RedisScript<unknown>;
  private readonly leaveScript: RedisScript<unknown>;
  private readonly refreshScript: RedisScript<unknown>;
  private readonly sweepScript: RedisScript<unknown>;

  constructor(
    private readonly redis: Redis,
    private readonly presenceTtlSeconds: number,
  ) {
    this.joinScript = defineScript(redis, 'qmJoinRoom', { numberOfKeys: 7, lua: JOIN_ROOM_LUA });
    this.leaveScript = defineScript(redis, 'qmLeaveRoom', { numberOfKeys: 6, lua: LEAVE_ROOM_LUA });
    this.refreshScript = defineScript(redis, 'qmRefreshPresence', {
      numberOfKeys: 3,
      lua: REFRESH_PRESENCE_LUA,
    });
    this.sweepScript = defineScript(redis, 'qmSweepNode', { numberOfKeys: 3, lua: SWEEP_NODE_LUA });
  }

  async join(request: JoinRequest): Promise<JoinOutcome> {
    const { roomId, userId, connection } = request;
    const reply = (await this.joinScript(
      [
        RedisKeys.roomMembers(roomId),
        RedisKeys.presence(roomId, userId),
        RedisKeys.nodeRooms(parseConnection(connection).nodeId),
        ...meetingKeys(roomId),
        RedisKeys.resumeToken(roomId, userId),
      ],
      [
        RedisKeys.presence(ROOM, USER),
        RedisKeys.roomEvents(roomId),
        userId,
        connection,
        request.displayName,
        request.maxParticipants,
        this.presenceTtlSeconds,
        roomId,
        request.mode,
        request.domain,
        request.isHost ? '1' : '0',
        request.tokenHash,
        request.presentedTokenHash ?? '',
      ],
    )) as [JoinOutcome['status'], string[], number, string[], number];
    const [status, entries, locked, hands, resumed] = reply;
    if (status !== 'joined') return { status };
    const members: Member[] = [];
    for (let i = 0; i + 1 < entries.length; i += 2) {
      members.push(memberOf(entries[i]!, entries[i + 1]!));
    }
    return {
      status: 'joined',
      members,
      meeting: { locked: locked === 1, hands: handsOf(hands) },
      resumed: resumed === 1,
    };
  }

  async leave(
    roomId: string,
    userId: string,
    connection: string,
    announce: LeaveAnnouncement,
  ): Promise<boolean> {
    const { nodeId } = parseConnection(connection);
    const removed = await this.leaveScript(
      [
        RedisKeys.roomMembers(roomId),
        RedisKeys.presence(roomId, userId),
        RedisKeys.nodeRooms(nodeId),
        ...meetingKeys(roomId),
      ],
      [userId, connection, RedisKeys.roomEvents(roomId), roomId, nodeId, announce],
    );
    return removed === 1;
  }

  async refresh(roomId: string, userId: string, connection: string): Promise<boolean> {
    const refreshed = await this.refreshScript(
      [
        RedisKeys.roomMembers(roomId),
        RedisKeys.presence(roomId, userId),
        RedisKeys.resumeToken(roomId, userId),
      ],
      [userId, connection, this.presenceTtlSeconds],
    );
    return refreshed === 1;
  }

  async markAlive(nodeId: string, runId: string, ttlMs: number): Promise<boolean> {
    const results = await this.redis
      .multi()
      .set(RedisKeys.nodeAlive(nodeId), runId, 'PX', ttlMs, 'GET')
      .sadd(RedisKeys.signalingNodes(), nodeId)
      .exec();
    const [previous] = results ?? [];
    if (previous?.[0]) throw previous[0];
    return previous?.[1] !== null && previous?.[1] !== undefined;
  }

  async deadNodes(selfId: string): Promise<string[]> {
    const nodes = (await this.redis.smembers(RedisKeys.signalingNodes())).filter(
      (id) => id !== selfId,
    );
    if (nodes.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of nodes) pipeline.exists(RedisKeys.nodeAlive(id));
    const results = (await pipeline.exec()) ?? [];
    return nodes.filter((_, i) => results[i]?.[1] === 0);
  }

  async sweepNode(nodeId: string, force: boolean): Promise<number> {
    const removed = await this.sweepScript(
      [RedisKeys.nodeAlive(nodeId), RedisKeys.nodeRooms(nodeId), RedisKeys.signalingNodes()],
      [
        nodeId,
        force ? '1' : '0',
        RedisKeys.roomMembers(ROOM),
        RedisKeys.presence(ROOM, USER),
        RedisKeys.roomEvents(ROOM),
        ...meetingKeys(ROOM),
      ],
    );
    return Number(removed);
  }
}
