import { randomBytes } from 'node:crypto';
import {
  createOwnedDatabase,
  createSql,
  DatabaseRoles,
  ensureDatabaseRoles,
  migrate,
} from '@qual-meet/db';
import { generateRedisCredentials } from '@qual-meet/redis';
import { TEST_SERVERS_VARIABLE, type TestServers } from './environment';
import { workspaceMigrations } from './fixtures';
import { chooseRuntime, isDockerAvailable } from './runtime';
import {
  REDIS_DATABASES,
  startCoturn,
  startPostgres,
  startRedis,
  type TestServer,
} from './servers';

export const TEMPLATE_DATABASE = 'qm_template';

declare global {
  var qualMeetTestServers: TestServer[] | undefined;
}

/**
 * Jest global setup of the integration run: starts PostgreSQL, Redis and coturn once, migrates a
 * template database that each suite copies, and tells the workers where everything is. Redis has
 * the production ACL users and PostgreSQL the production roles, so every suite's services run
 * with their deployed rights.
 */
export default async function globalSetup(): Promise<void> {
  const runtime = await chooseRuntime({ env: process.env, dockerAvailable: isDockerAvailable });
  const turnSecret = randomBytes(24).toString('hex');
  const redisCredentials = generateRedisCredentials();
  const [postgres, redis, coturn] = await Promise.all([
    startPostgres(runtime),
    startRedis(runtime, redisCredentials),
    startCoturn(runtime, turnSecret),
  ]);
  globalThis.qualMeetTestServers = [postgres, redis, coturn];

  const admin = createSql(postgres.url(), { max: 1 });
  try {
    await ensureDatabaseRoles(admin);
    await createOwnedDatabase(admin, TEMPLATE_DATABASE);
  } finally {
    await admin.end();
  }
  const template = createSql(postgres.url(TEMPLATE_DATABASE, DatabaseRoles.owner), { max: 1 });
  try {
    await migrate(template, await workspaceMigrations());
  } finally {
    await template.end();
  }

  const servers: TestServers = {
    runtime,
    postgresUrl: postgres.url(),
    templateDatabase: TEMPLATE_DATABASE,
    redisUrl: redis.url(),
    redisDatabases: REDIS_DATABASES,
    redisCredentials,
    coturn: { host: coturn.host, port: coturn.port, realm: coturn.realm, secret: coturn.secret },
  };
  process.env[TEST_SERVERS_VARIABLE] = JSON.stringify(servers);
}
