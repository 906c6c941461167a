import { createSql } from '@qual-meet/db';
import { runService } from '@qual-meet/server-kit';
import { buildApp } from './app';
import { authConfigSchema } from './config';

await runService({
  configSchema: authConfigSchema,
  build: (config) => buildApp(config, { sql: createSql(config.databaseUrl) }),
  listen: (config) => ({ host: config.host, port: config.port }),
});
