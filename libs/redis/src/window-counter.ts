import type { Redis } from 'ioredis';
import { defineScript } from './scripts';

/**
 * Adds ARGV[1] to the counter KEYS[1] of a fixed window of ARGV[2] milliseconds.
 *
 * Invariant: a counter always carries an expiry, set by the first addition of its window and
 * never extended by later ones (refused requests included). So a caller is refused for at most
 * the rest of one window, and the time left (PTTL) is exactly what `Retry-After` must say.
 *
 * Returns `{count, msLeftInWindow}`.
 */
export const ADD_TO_WINDOW_LUA = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return { count, ttl }
`;

export interface WindowCount {
  /** The counter after the addition: every caller's hits in the current window. */
  count: number;
  /** Milliseconds until the window ends. */
  msLeft: number;
}

/** Adds `amount` to the fixed-window counter `key` (atomically, one round trip). */
export async function addToWindow(
  redis: Redis,
  key: string,
  amount: number,
  windowMs: number,
): Promise<WindowCount> {
  const addTo = defineScript<[number, number]>(redis, 'addToWindow', {
    numberOfKeys: 1,
    lua: ADD_TO_WINDOW_LUA,
  });
  const [count, msLeft] = await addTo([key], [amount, windowMs]);
  return { count, msLeft };
}

/** `Retry-After` for a window with `msLeft` milliseconds left: rounded up, never 0. */
export const retryAfterSeconds = (msLeft: number): number => Math.max(1, Math.ceil(msLeft / 1000));
