import { createFailFastRedis } from '@qual-meet/redis';
import { runService } from '@qual-meet/server-kit';
import { buildApp } from './app';
import { turnConfigSchema } from './config';

await runService({
  configSchema: turnConfigSchema,
  build: (config) => buildApp(config, { redis: createFailFastRedis(config.redisUrl) }),
  listen: (config) => ({ host: config.host, port: config.port }),
});
