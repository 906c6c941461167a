import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { createFailFastRedis } from '@qual-meet/redis';
import { signTestToken, type TestKeyPair } from './tokens';

/** `Bearer <token>` for a user, signed the way the auth service signs. */
export function bearerFor(keys: TestKeyPair, sub: string, email = `${sub}@example.com`): string {
  return `Bearer ${signTestToken(keys, { sub, email, iss: 'qual-meet', aud: 'qual-meet' })}`;
}

/**
 * A fail-fast Redis client (as the services use on request paths), once connected: with no
 * offline queue, a command sent before the connection is ready would fail instead of waiting.
 */
export async function connectFailFastRedis(url: string): Promise<Redis> {
  const redis = createFailFastRedis(url);
  if (redis.status !== 'ready') await once(redis, 'ready');
  return redis;
}

/**
 * Closes a suite's Redis client and waits (at most 2 s) until its socket is gone. ioredis's
 * `disconnect()` leaves a 2 s timer behind until the server closes its side, which can keep a
 * Jest worker from exiting when the suite is the worker's last; `QUIT` is answered and closed by
 * the server.
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
