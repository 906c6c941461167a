import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { join } from 'node:path';
import {
  createOwnedDatabase,
  createSql,
  DatabaseRoles,
  ensureDatabaseRoles,
  migrate,
  MIGRATIONS_DIR,
  readMigrations,
  type DatabaseService,
  type Migration,
  type Sql,
} from '@qual-meet/db';
import { workspaceRoot } from '@qual-meet/local-servers';
import { redisUrlAs, type RedisServiceUser } from '@qual-meet/redis';
import { closeRedis } from './clients';
import { startPostgres, startRedis, type TestPostgres, type TestRedis } from './servers';
import { testServers } from './environment';

/** `base` with another database and login role. */
function databaseUrl(base: string, database: string, role: string): string {
  const url = new URL(base);
  url.username = role;
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestDatabase {
  /** URL of this suite's own database, migrated, as the schema's owner. */
  url: string;
  /** The same database as a service's own role: what the service under test connects with. */
  urlFor(service: DatabaseService): string;
  /** A small pool on it (as the owner), for arranging and asserting. */
  sql: Sql;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh, migrated database for one suite, copied from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const servers = testServers();
  const name = `suite_${randomBytes(6).toString('hex')}`;
  const admin = createSql(servers.postgresUrl, { max: 1 });
  try {
    await createOwnedDatabase(admin, name, servers.templateDatabase);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(servers.postgresUrl, name, DatabaseRoles.owner);
  const sql = createSql(url, { max: 2 });
  return {
    url,
    urlFor: (service) => databaseUrl(servers.postgresUrl, name, DatabaseRoles[service]),
    sql,
    async drop() {
      await sql.end();
      const cleanup = createSql(servers.postgresUrl, { max: 1 });
      try {
        await cleanup.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

export interface TestRedisDatabase {
  /** URL of this suite's own logical database, as the admin: for arranging and asserting. */
  url: string;
  /** The same database as a service's own ACL user: what the service under test connects with. */
  urlFor(service: RedisServiceUser): string;
  /** Empties the database. */
  release(): Promise<void>;
}

/** A logical Redis database of its own for one suite (db 0 keeps the harness's counter). */
export async function claimRedisDatabase(): Promise<TestRedisDatabase> {
  const servers = testServers();
  const next = await usingRedis(servers.redisUrl, (redis) => redis.incr('qm_harness:next_db'));
  const db = 1 + ((next - 1) % (servers.redisDatabases - 1));
  const url = servers.redisUrl.replace(/\/\d*$/, `/${db}`);
  const { hostname: host, port } = new URL(url);
  await usingRedis(url, (redis) => redis.flushdb());
  return {
    url,
    urlFor: (service) =>
      redisUrlAs(
        { host, port: Number(port), db },
        service,
        servers.redisCredentials.services[service],
      ),
    release: async () => void (await usingRedis(url, (redis) => redis.flushdb())),
  };
}

/** Runs `work` on a short-lived client, closed (and gone) afterwards. */
async function usingRedis<T>(url: string, work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    return await work(redis);
  } finally {
    await closeRedis(redis);
  }
}

/** Migrations of the workspace, read once per process. */
let migrations: Promise<Migration[]> | undefined;
export function workspaceMigrations(): Promise<Migration[]> {
  migrations ??= readMigrations(join(workspaceRoot(), MIGRATIONS_DIR));
  return migrations;
}

export interface DedicatedPostgres {
  server: TestPostgres;
  /** The migrated database, as its owner. */
  url: string;
  /** The same database as a service's own role. */
  urlFor(service: DatabaseService): string;
}

const DEDICATED_DATABASE = 'qualmeet';

/**
 * A PostgreSQL server of a suite's own, with the service roles and a migrated database — for
 * suites that halt and resume the database to test an outage without disturbing the others.
 */
export async function startDedicatedPostgres(): Promise<DedicatedPostgres> {
  const server = await startPostgres(testServers().runtime);
  const admin = createSql(server.url(), { max: 1 });
  try {
    await ensureDatabaseRoles(admin);
    await createOwnedDatabase(admin, DEDICATED_DATABASE);
  } finally {
    await admin.end();
  }
  const url = server.url(DEDICATED_DATABASE, DatabaseRoles.owner);
  const sql = createSql(url, { max: 1 });
  try {
    await migrate(sql, await workspaceMigrations());
  } finally {
    await sql.end();
  }
  return {
    server,
    url,
    urlFor: (service) => server.url(DEDICATED_DATABASE, DatabaseRoles[service]),
  };
}

/** A Redis server of a suite's own (with the run's ACL users), for suites that halt it. */
export function startDedicatedRedis(): Promise<TestRedis> {
  const servers = testServers();
  return startRedis(servers.runtime, servers.redisCredentials);
}
