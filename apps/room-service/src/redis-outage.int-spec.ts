import { once } from 'node:events';
import type { Room } from '@qual-meet/protocol';
import { RedisKeys } from '@qual-meet/redis';
import {
  closeRedis,
  connectFailFastRedis,
  createTestDatabase,
  generateTestKeyPair,
  startDedicatedRedis,
  type TestDatabase,
  type TestRedis,
} from '@qual-meet/testing';
import {
  ChannelRecorder,
  createUser,
  type TestUser,
  startRoomService,
  type RoomServiceApp,
} from './test-support/room-fixtures';

// This suite stops its own Redis server, so it runs against a dedicated one.
const keys = generateTestKeyPair();
let server: TestRedis;
let db: TestDatabase;
let app: RoomServiceApp;
let host: TestUser;

beforeAll(async () => {
  [server, db] = await Promise.all([startDedicatedRedis(), createTestDatabase()]);
  app = await startRoomService(
    { databaseUrl: db.urlFor('room-service'), redisUrl: server.urlFor('room-service') },
    keys,
  );
  host = await createUser(db.sql, keys);
});

afterAll(async () => {
  await app.close();
  await server.stop();
  await db.drop();
});

const headers = () => ({ authorization: host.authorization });
const create = () => app.inject({ method: 'POST', url: '/api/rooms', headers: headers() });
const read = (id: string) => app.inject({ url: `/api/rooms/${id}`, headers: headers() });
const end = (id: string) =>
  app.inject({ method: 'POST', url: `/api/rooms/${id}/end`, headers: headers() });
const isActiveInPostgres = async (id: string) => {
  const [row] = await db.sql<{ is_active: boolean }[]>`
    SELECT is_active FROM meetings WHERE id = ${id}`;
  return row?.is_active;
};

it('keeps reads and creation working while Redis is down, refuses to end, then recovers', async () => {
  const cached = (await create()).json() as Room;

  await server.halt();
  const startedAt = Date.now();
  const during = await read(cached.id);
  expect(during.statusCode).toBe(200);
  expect(during.json()).toEqual(cached);
  // No waiting on the dead server: the read went straight to Postgres.
  expect(Date.now() - startedAt).toBeLessThan(1_000);

  const createdDuring = await create();
  expect(createdDuring.statusCode).toBe(201);
  const uncached = createdDuring.json() as Room;
  expect(await isActiveInPostgres(uncached.id)).toBe(true);
  const list = await app.inject({ url: '/api/rooms?mine=true', headers: headers() });
  expect(list.json().rooms.map((r: Room) => r.id)).toEqual([uncached.id, cached.id]);

  // Ending must reach the signaling nodes through Redis; without it, nothing changes anywhere.
  const refused = await end(cached.id);
  expect(refused.statusCode).toBe(503);
  expect(refused.json()).toEqual({
    statusCode: 503,
    code: 'SERVICE_UNAVAILABLE',
    error: 'Service Unavailable',
    message: expect.any(String),
  });
  expect(JSON.stringify(refused.json())).not.toMatch(/redis|ECONNREFUSED|stream/i);
  expect(await isActiveInPostgres(cached.id)).toBe(true);

  const ready = await app.inject({ url: '/readyz' });
  expect(ready.statusCode).toBe(503);
  expect(ready.json()).toEqual({
    status: 'unavailable',
    checks: { postgres: 'up', redis: 'down' },
  });

  const reconnected = once(app.redis, 'ready');
  await server.resume();
  await reconnected;
  expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);

  // The restarted server is empty: the room created during the outage is filled on first read.
  expect((await read(uncached.id)).json()).toEqual(uncached);
  const probe = await connectFailFastRedis(server.url());
  try {
    expect(JSON.parse((await probe.get(RedisKeys.room(uncached.id)))!)).toEqual(uncached);
    const recorder = await ChannelRecorder.open(server.url(), [RedisKeys.roomEvents(cached.id)]);
    try {
      const ended = await end(cached.id);
      expect(ended.statusCode).toBe(200);
      expect(ended.json().isActive).toBe(false);
      expect(JSON.parse((await probe.get(RedisKeys.room(cached.id)))!).isActive).toBe(false);
      const events = await recorder.drain(probe, RedisKeys.roomEvents(cached.id));
      expect(events.map((e) => e.event)).toEqual([
        { type: 'room_ended', from: 'room-service', data: { roomId: cached.id } },
      ]);
    } finally {
      await recorder.close();
    }
  } finally {
    await closeRedis(probe);
  }
});
