import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { createFailFastRedis } from '@qual-meet/redis';

export { closeRedis } from '@qual-meet/redis';
import { claimsFor, signTestToken, type TestKeyPair } from './tokens';

/** `Bearer <token>` for a user, signed the way the auth service signs. */
export function bearerFor(keys: TestKeyPair, sub: string, email = `${sub}@example.com`): string {
  return `Bearer ${signTestToken(keys, claimsFor(sub, email))}`;
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
 * Resolves once the client is connected again. Unlike `events.once(redis, 'ready')` it does not
 * reject on the errors of the failed reconnect attempts before.
 */
export function whenReady(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => redis.once('ready', () => resolve()));
}
