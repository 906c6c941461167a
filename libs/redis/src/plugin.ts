import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
  }
}

export interface RedisPluginOptions {
  redis: Redis;
}

/** Decorates the instance with the Redis client and quits it when the app closes. */
export const redisPlugin = fp<RedisPluginOptions>(
  async (app: FastifyInstance, { redis }) => {
    app.decorate('redis', redis);
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
  },
  { name: 'redis' },
);
