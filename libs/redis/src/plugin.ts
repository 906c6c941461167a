import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { once } from 'node:events';
import { closeRedis } from './client';
import { logRedisErrors } from './error-log';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
  }
}

export interface RedisPluginOptions {
  redis: Redis;
  /** How long start-up waits for the first connection; after it the service starts anyway, not ready. */
  connectWaitMs?: number;
}

/**
 * Decorates the instance with the Redis client, logs its errors through the service's logger
 * (never raw to stderr) and quits it when the app closes. Start-up waits
 * briefly for the connection so the first requests do not fail needlessly; a Redis that is down
 * does not stop the service from starting (its `/readyz` says so).
 */
export const redisPlugin = fp<RedisPluginOptions>(
  async (app: FastifyInstance, { redis, connectWaitMs = 3_000 }) => {
    app.decorate('redis', redis);
    logRedisErrors(redis, app.log);
    app.addHook('onClose', () => closeRedis(redis));
    if (redis.status !== 'ready') {
      await once(redis, 'ready', { signal: AbortSignal.timeout(connectWaitMs) }).catch(() =>
        app.log.warn('Redis is not reachable yet; starting anyway'),
      );
    }
  },
  { name: 'redis' },
);
