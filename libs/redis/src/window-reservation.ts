import type { Redis } from 'ioredis';
import { defineScript } from './scripts';

/**
 * Reserves one unit in each counter KEYS[i], a fixed window of ARGV[2i] ms holding at most
 * ARGV[2i-1] units, all or none.
 *
 * Invariant: a counter never goes past its maximum, however many callers race (the check and the
 * increment are one script); it carries the expiry its window's first reservation set, never
 * extended, so the time left (PTTL) is what `Retry-After` must say.
 *
 * Returns `{1, 0}` when reserved, `{0, msLeftInWindow}` of the first full counter when not.
 */
export const RESERVE_IN_WINDOWS_LUA = `
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[2 * i]) end
    return { 0, ttl }
  end
end
for i, key in ipairs(KEYS) do
  redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[2 * i]) end
end
return { 1, 0 }
`;

/**
 * Gives back one unit reserved in KEYS[1]. Invariant: never below zero, the expiry untouched (a
 * window that ended meanwhile has nothing to give back).
 */
export const RELEASE_FROM_WINDOW_LUA = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('INCRBY', KEYS[1], -1) end
return count
`;

/** One fixed-window limit: at most `max` reservations per `windowMs` under `key`. */
export interface WindowLimit {
  key: string;
  max: number;
  windowMs: number;
}

export type Reservation =
  | { reserved: true }
  | { reserved: false; /** Milliseconds until the full window ends. */ msLeft: number };

/** `reserveInWindows` on a client: (any number of keys, then max and window ms per key). */
const reserveScript = (redis: Redis) =>
  defineScript<[number, number]>(redis, 'reserveInWindows', { lua: RESERVE_IN_WINDOWS_LUA });
/** `releaseFromWindow` on a client: ([key], []) → the count before. */
const releaseScript = (redis: Redis) =>
  defineScript<number>(redis, 'releaseFromWindow', {
    numberOfKeys: 1,
    lua: RELEASE_FROM_WINDOW_LUA,
  });

/**
 * Reserves one unit under every limit at once (one round trip), or none when any is full:
 * callers reserve before the work the limit protects, so concurrent callers cannot all slip in.
 */
export async function reserveInWindows(
  redis: Redis,
  limits: readonly WindowLimit[],
): Promise<Reservation> {
  if (limits.length === 0) return { reserved: true };
  const [reserved, msLeft] = await reserveScript(redis)(
    limits.map((l) => l.key),
    limits.flatMap((l) => [l.max, l.windowMs]),
  );
  return reserved === 1 ? { reserved: true } : { reserved: false, msLeft };
}

/** Gives back one unit reserved under `key` (the work turned out not to count). */
export async function releaseFromWindow(redis: Redis, key: string): Promise<void> {
  await releaseScript(redis)([key], []);
}
