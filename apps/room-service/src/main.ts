import { createSql } from '@qual-meet/db';
import { createFailFastRedis } from '@qual-meet/redis';
import { runService } from '@qual-meet/server-kit';
import { buildApp } from './app';
import { roomConfigSchema } from './config';

await runService({
  configSchema: roomConfigSchema,
  build: (config) =>
    buildApp(config, {
      sql: createSql(config.databaseUrl),
      redis: createFailFastRedis(config.redisUrl),
    }),
  listen: (config) => ({ host: config.host, port: config.port }),
});
