import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';

export type { Redis } from 'ioredis';

/**
 * An ioredis client that fails commands fast while Redis is unreachable (instead of queueing
 * them without bound) and keeps reconnecting with capped backoff.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    ...options,
  });
}

/**
 * For request paths that must answer now: while Redis is unreachable, commands fail at once
 * (no offline queue) and a stuck command gives up after a second, so callers can fall back to
 * Postgres, fail open or fail closed instead of holding the request.
 */
export const FAIL_FAST_REDIS_OPTIONS = {
  enableOfflineQueue: false,
  commandTimeout: 1_000,
  // Commands issued in the same tick travel in one write: under load, one syscall per batch
  // instead of one per request.
  enableAutoPipelining: true,
} as const satisfies RedisOptions;

/** A client with {@link FAIL_FAST_REDIS_OPTIONS}. */
export function createFailFastRedis(url: string): Redis {
  return createRedis(url, FAIL_FAST_REDIS_OPTIONS);
}

/**
 * Closes a client and waits (at most 2 s) until its socket is gone: `QUIT` when Redis answers,
 * else `disconnect()`. ioredis's `disconnect()` alone leaves a 2 s timer behind until the server
 * closes its side, which keeps a process (or a Jest worker) from exiting promptly.
 */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end' || client.status === 'wait') {
    client.disconnect();
    return;
  }
  const ended = once(client, 'end');
  const giveUp = (ms: number) => delay(ms, 'timeout' as const, { ref: false });
  const quit = client.quit().catch(() => 'failed' as const);
  if ((await Promise.race([quit, giveUp(1_000)])) !== 'OK') client.disconnect();
  await Promise.race([ended, giveUp(2_000)]);
}
