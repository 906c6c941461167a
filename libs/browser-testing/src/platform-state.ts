import { Redis } from 'ioredis';
import { closeRedis, RedisKeys } from '@qual-meet/redis';

/** Where each member of a room is connected: its signaling node and socket. */
export type RoomPresence = Map<string, { node: string; socket: string }>;

/**
 * The connection of every member of a room, read from the presence keys (whose value is
 * `<nodeId>:<socketId>`); a member whose presence expired is left out.
 */
export async function presenceInRoom(redisUrl: string, roomId: string): Promise<RoomPresence> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    const members = await redis.hkeys(RedisKeys.roomMembers(roomId));
    const connections = await Promise.all(
      members.map((userId) => redis.get(RedisKeys.presence(roomId, userId))),
    );
    const presence: RoomPresence = new Map();
    members.forEach((userId, i) => {
      const value = connections[i];
      if (!value) return;
      const at = value.indexOf(':');
      presence.set(userId, { node: value.slice(0, at), socket: value.slice(at + 1) });
    });
    return presence;
  } finally {
    await closeRedis(redis);
  }
}

/**
 * The signaling nodes holding the members of a room — how a test proves its participants are
 * spread over several nodes.
 */
export async function signalingNodesInRoom(redisUrl: string, roomId: string): Promise<Set<string>> {
  const presence = await presenceInRoom(redisUrl, roomId);
  return new Set([...presence.values()].map((p) => p.node));
}
