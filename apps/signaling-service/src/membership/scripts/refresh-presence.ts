import { LUA_HELPERS } from './lua-helpers';

/**
 * Extend a member's presence on `heartbeat`.
 *
 * Invariant: a presence key is only ever (re)written for the connection that holds the seat, so
 * a replaced or swept connection cannot keep a seat alive; it learns (result 0) that it must
 * re-assert or rejoin instead.
 *
 * The seat's resume right lives exactly as long as its presence.
 *
 * KEYS: 1 room_members:{roomId}, 2 presence:{roomId}:{userId}, 3 resume_token:{roomId}:{userId}
 * ARGV: 1 userId, 2 connection, 3 TTL (s)
 * Returns 1 when refreshed, 0 when the connection holds no seat.
 */
export const REFRESH_PRESENCE_LUA = `${LUA_HELPERS}
local value = redis.call('HGET', KEYS[1], ARGV[1])
if value and connection_of(value) == ARGV[2] then
  redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
  redis.call('EXPIRE', KEYS[3], tonumber(ARGV[3]))
  return 1
end
return 0
`;
