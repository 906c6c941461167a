import { runService } from '@qual-meet/server-kit';
import { createFailFastRedis } from '@qual-meet/redis';
import { buildApp } from './app';
import { gatewayConfigSchema } from './config';

await runService({
  configSchema: gatewayConfigSchema,
  build: (config) => buildApp(config, { redis: createFailFastRedis(config.redisUrl) }),
  listen: (config) => ({ host: config.host, port: config.port }),
});
