import { createRedis } from '@qual-meet/redis';
import { runService } from '@qual-meet/server-kit';
import { buildApp } from './app';
import { turnConfigSchema } from './config';
import { ISSUANCE_REDIS_OPTIONS } from './issuance-limiter';

await runService({
  configSchema: turnConfigSchema,
  build: (config) =>
    buildApp(config, { redis: createRedis(config.redisUrl, ISSUANCE_REDIS_OPTIONS) }),
  listen: (config) => ({ host: config.host, port: config.port }),
});
