import type { Redis, Result } from 'ioredis';

/**
 * Counts one issuance in the user's current window: INCR, and give the counter the window as its
 * expiry if it has none.
 *
 * Invariant: a counter always carries an expiry, set by the first increment of its window and
 * never extended by later ones (refused requests included). So a user is refused for at most the
 * rest of one window, and the time left (PTTL) is exactly what `Retry-After` must say.
 *
 * KEYS[1] `ice_issuance:{userId}`; ARGV[1] window in milliseconds.
 * Returns `{count, msLeftInWindow}`.
 */
export const COUNT_ISSUANCE_LUA = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** See {@link COUNT_ISSUANCE_LUA}. */
    countIssuance(key: string, windowMs: number): Result<[number, number], Context>;
  }
}

/** Registers `countIssuance` on a client. */
export function defineCountIssuanceCommand(redis: Redis): void {
  redis.defineCommand('countIssuance', { numberOfKeys: 1, lua: COUNT_ISSUANCE_LUA });
}
