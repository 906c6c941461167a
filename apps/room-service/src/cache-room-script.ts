import type { Room } from '@qual-meet/protocol';
import { defineScript, type Redis, type RedisScript } from '@qual-meet/redis';

/** The field of the cached room (protocol `roomSchema`) the script reads. */
const IS_ACTIVE = 'isActive' satisfies keyof Room;

/**
 * Writes the JSON of a room into `room:{roomId}` with a TTL.
 *
 * Invariant: an entry that says a room is inactive is never replaced by one that says it is
 * active. Ending a meeting is terminal in Postgres, so a reader that loaded the row before an end
 * committed, and writes it back after the end cached the ended room, is refused instead of
 * resurrecting the meeting in the cache. Inactive rooms are always written.
 *
 * KEYS[1] `room:{roomId}`; ARGV[1] room JSON; ARGV[2] `1` when that room is active, else `0`;
 * ARGV[3] TTL in seconds. Returns 1 when written, 0 when refused.
 */
export const CACHE_ROOM_LUA = `
if ARGV[2] == '1' then
  local current = redis.call('GET', KEYS[1])
  if current then
    local ok, cached = pcall(cjson.decode, current)
    if ok and type(cached) == 'table' and cached.${IS_ACTIVE} == false then
      return 0
    end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
`;

/** `cacheRoom` on a client: `([room key], [json, '1'|'0' active, ttl])` → 1 written, 0 refused. */
export const cacheRoomScript = (redis: Redis): RedisScript<number> =>
  defineScript(redis, 'cacheRoom', { numberOfKeys: 1, lua: CACHE_ROOM_LUA });
