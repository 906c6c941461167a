import { createSql } from '@qual-meet/db';
import { createRedis } from '@qual-meet/redis';
import { runService } from '@qual-meet/server-kit';
import { buildApp } from './app';
import { roomConfigSchema } from './config';
import { ROOM_CACHE_REDIS_OPTIONS } from './room-cache';

await runService({
  configSchema: roomConfigSchema,
  build: (config) =>
    buildApp(config, {
      sql: createSql(config.databaseUrl),
      redis: createRedis(config.redisUrl, ROOM_CACHE_REDIS_OPTIONS),
    }),
  listen: (config) => ({ host: config.host, port: config.port }),
});
