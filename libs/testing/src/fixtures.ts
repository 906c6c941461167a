import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { join } from 'node:path';
import {
  createSql,
  migrate,
  MIGRATIONS_DIR,
  readMigrations,
  type Migration,
  type Sql,
} from '@qual-meet/db';
import { workspaceRoot } from '@qual-meet/local-servers';
import { closeRedis } from './clients';
import { startPostgres, type TestPostgres } from './servers';
import { testServers } from './environment';

export interface TestDatabase {
  /** URL of this suite's own database, migrated. */
  url: string;
  /** A small pool on it, for arranging and asserting. */
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
    await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${servers.templateDatabase}`);
  } finally {
    await admin.end();
  }
  const url = servers.postgresUrl.replace(/\/[^/]*$/, `/${name}`);
  const sql = createSql(url, { max: 2 });
  return {
    url,
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
  /** URL of this suite's own logical database. */
  url: string;
  /** Empties the database. */
  release(): Promise<void>;
}

/** A logical Redis database of its own for one suite (db 0 keeps the harness's counter). */
export async function claimRedisDatabase(): Promise<TestRedisDatabase> {
  const servers = testServers();
  const next = await usingRedis(servers.redisUrl, (redis) => redis.incr('qm_harness:next_db'));
  const db = 1 + ((next - 1) % (servers.redisDatabases - 1));
  const url = servers.redisUrl.replace(/\/\d*$/, `/${db}`);
  await usingRedis(url, (redis) => redis.flushdb());
  return { url, release: async () => void (await usingRedis(url, (redis) => redis.flushdb())) };
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
  url: string;
}

/**
 * A PostgreSQL server of a suite's own, migrated — for suites that halt and resume the database
 * to test an outage without disturbing the other suites.
 */
export async function startDedicatedPostgres(): Promise<DedicatedPostgres> {
  const server = await startPostgres(testServers().runtime);
  const sql = createSql(server.url(), { max: 1 });
  try {
    await migrate(sql, await workspaceMigrations());
  } finally {
    await sql.end();
  }
  return { server, url: server.url() };
}
