import { runService } from '@qual-meet/server-kit';
import { buildApp, createGatewayRedis } from './app';
import { gatewayConfigSchema } from './config';

await runService({
  configSchema: gatewayConfigSchema,
  build: (config) => buildApp(config, { redis: createGatewayRedis(config.redisUrl) }),
  listen: (config) => ({ host: config.host, port: config.port }),
});
