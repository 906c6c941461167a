import { defineScript, type Redis, type RedisScript } from '@qual-meet/redis';

/**
 * Records that a meeting ended: overwrites `room:{roomId}` with the ended room and publishes
 * `room_ended` on `room_events:{roomId}`, in one atomic step.
 *
 * Invariant: no subscriber hears `room_ended` before the cache says the room is inactive, so a
 * signaling node that reacts to the event (or a client that re-joins at once) can never read the
 * room as active again. The write is unconditional: an ended room may always replace any entry.
 *
 * KEYS[1] `room:{roomId}`; ARGV[1] room JSON; ARGV[2] TTL in seconds; ARGV[3] the channel;
 * ARGV[4] the event JSON. Returns the number of subscribers that received the event.
 */
export const END_ROOM_LUA = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return redis.call('PUBLISH', ARGV[3], ARGV[4])
`;

/** `endRoom` on a client: `([room key], [json, ttl, channel, event])` → subscribers reached. */
export const endRoomScript = (redis: Redis): RedisScript<number> =>
  defineScript(redis, 'endRoom', { numberOfKeys: 1, lua: END_ROOM_LUA });
