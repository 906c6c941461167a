import { createSql, type Sql } from '@qual-meet/db';
import type { Room } from '@qual-meet/protocol';
import { RedisKeys, type Redis } from '@qual-meet/redis';
import {
  closeRedis,
  claimRedisDatabase,
  connectFailFastRedis,
  type DedicatedPostgres,
  generateTestKeyPair,
  startDedicatedPostgres,
  type TestRedisDatabase,
} from '@qual-meet/testing';
import {
  createUser,
  type TestUser,
  startRoomService,
  type RoomServiceApp,
} from './test-support/room-fixtures';

// This suite stops its own PostgreSQL server, so it runs against a dedicated one.
const keys = generateTestKeyPair();
let postgres: DedicatedPostgres;
let redisDb: TestRedisDatabase;
let redis: Redis;
let sql: Sql;
let app: RoomServiceApp;
let host: TestUser;

beforeAll(async () => {
  [postgres, redisDb] = await Promise.all([startDedicatedPostgres(), claimRedisDatabase()]);
  const urls = {
    databaseUrl: postgres.urlFor('room-service'),
    redisUrl: redisDb.urlFor('room-service'),
  };
  sql = createSql(urls.databaseUrl, { connectTimeoutSeconds: 1 });
  redis = await connectFailFastRedis(redisDb.url);
  app = await startRoomService(urls, keys, sql);
  // Accounts are auth-service's: room-service's role cannot write them.
  const owner = createSql(postgres.url, { max: 1 });
  host = await createUser(owner, keys).finally(() => owner.end());
});

afterAll(async () => {
  await app.close();
  await closeRedis(redis);
  await redisDb.release();
  await postgres.server.stop();
});

const headers = () => ({ authorization: host.authorization });
const create = () => app.inject({ method: 'POST', url: '/api/rooms', headers: headers() });

it('answers 503 DATABASE_UNAVAILABLE quickly while PostgreSQL is down, serves cached rooms, then recovers', async () => {
  const cached = (await create()).json() as Room;
  const uncached = (await create()).json() as Room;
  await redis.del(RedisKeys.room(uncached.id));

  await postgres.server.halt();
  const startedAt = Date.now();
  const refused = await create();
  expect(refused.statusCode).toBe(503);
  expect(refused.json()).toEqual({
    statusCode: 503,
    code: 'DATABASE_UNAVAILABLE',
    error: 'Service Unavailable',
    message: expect.any(String),
  });
  expect(JSON.stringify(refused.json())).not.toMatch(/ECONNREFUSED|postgres|stack/i);
  expect(Date.now() - startedAt).toBeLessThan(5_000);

  // The cache keeps answering for the rooms it holds; a miss needs the database.
  const hit = await app.inject({ url: `/api/rooms/${cached.id}`, headers: headers() });
  expect(hit.statusCode).toBe(200);
  expect(hit.json()).toEqual(cached);
  const miss = await app.inject({ url: `/api/rooms/${uncached.id}`, headers: headers() });
  expect(miss.statusCode).toBe(503);
  expect(miss.json().code).toBe('DATABASE_UNAVAILABLE');

  const endDuring = await app.inject({
    method: 'POST',
    url: `/api/rooms/${cached.id}/end`,
    headers: headers(),
  });
  expect(endDuring.statusCode).toBe(503);
  // Nothing half-done: the cache still says what Postgres says.
  expect(JSON.parse((await redis.get(RedisKeys.room(cached.id)))!)).toEqual(cached);
  const list = await app.inject({ url: '/api/rooms?mine=true', headers: headers() });
  expect(list.statusCode).toBe(503);
  const ready = await app.inject({ url: '/readyz' });
  expect(ready.statusCode).toBe(503);
  expect(ready.json()).toEqual({
    status: 'unavailable',
    checks: { postgres: 'down', redis: 'up' },
  });

  await postgres.server.resume();
  const ended = await app.inject({
    method: 'POST',
    url: `/api/rooms/${cached.id}/end`,
    headers: headers(),
  });
  expect(ended.statusCode).toBe(200);
  expect(ended.json().isActive).toBe(false);
  expect((await create()).statusCode).toBe(201);
  expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  const rows = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM meetings`;
  expect(rows[0]?.n).toBe(3);
});
