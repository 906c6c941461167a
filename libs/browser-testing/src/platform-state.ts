import { Redis } from 'ioredis';
import { closeRedis, RedisKeys } from '@qual-meet/redis';

/**
 * The signaling nodes holding the members of a room, read from the presence keys (whose value is
 * `<nodeId>:<socketId>`) — how a test proves its participants are spread over several nodes.
 */
export async function signalingNodesInRoom(redisUrl: string, roomId: string): Promise<Set<string>> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    const members = await redis.hkeys(RedisKeys.roomMembers(roomId));
    const connections = await Promise.all(
      members.map((userId) => redis.get(RedisKeys.presence(roomId, userId))),
    );
    return new Set(
      connections.filter((c): c is string => c !== null).map((c) => c.slice(0, c.indexOf(':'))),
    );
  } finally {
    await closeRedis(redis);
  }
}
