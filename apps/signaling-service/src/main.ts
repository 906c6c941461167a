// First, before any other module runs (see the file).
import './gc-tuning';
import { runService } from '@qual-meet/server-kit';
import { buildApp } from './app';
import { signalingConfigSchema } from './config';

await runService({
  configSchema: signalingConfigSchema,
  build: (config) => buildApp(config),
  listen: (config) => ({ host: config.host, port: config.port }),
});
