import { runService } from '@qual-meet/server-kit';
import { buildApp } from './app';
import { signalingConfigSchema } from './config';
import { createSignalingRedis } from './redis-clients';

await runService({
  configSchema: signalingConfigSchema,
  build: (config) => buildApp(config, createSignalingRedis(config)),
  listen: (config) => ({ host: config.host, port: config.port }),
});
