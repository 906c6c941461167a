import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createSql, type Sql } from '@qual-meet/db';
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
  const counter = new Redis(servers.redisUrl, { lazyConnect: true });
  let db: number;
  try {
    const next = await counter.incr('qm_harness:next_db');
    db = 1 + ((next - 1) % (servers.redisDatabases - 1));
  } finally {
    counter.disconnect();
  }
  const url = servers.redisUrl.replace(/\/\d*$/, `/${db}`);
  const flush = new Redis(url, { lazyConnect: true });
  await flush.flushdb();
  flush.disconnect();
  return {
    url,
    async release() {
      const client = new Redis(url, { lazyConnect: true });
      await client.flushdb();
      client.disconnect();
    },
  };
}
