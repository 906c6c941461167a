import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import type { Room } from '@qual-meet/protocol';
import { RedisKeys } from '@qual-meet/redis';
import {
  closeRedis,
  connectFailFastRedis,
  createTestDatabase,
  eventually,
  generateTestKeyPair,
  startDedicatedRedis,
  type TestDatabase,
  type TestRedis,
} from '@qual-meet/testing';
import { CACHE_ROOM_LUA } from './cache-room-script';
import { END_ROOM_LUA } from './end-room-script';
import { RoomCache } from './room-cache';
import {
  createUser,
  type TestUser,
  startRoomService,
  type RoomServiceApp,
} from './test-support/room-fixtures';

// This suite pauses its Redis server's writes, so it runs against a dedicated one.
const keys = generateTestKeyPair();
let server: TestRedis;
let db: TestDatabase;
/** The suite's own client: arranging, asserting, pausing. Never paused itself (reads only). */
let control: Redis;
let host: TestUser;

beforeAll(async () => {
  [server, db] = await Promise.all([startDedicatedRedis(), createTestDatabase()]);
  control = new Redis(server.url());
  host = await createUser(db.sql, keys);
});

afterAll(async () => {
  await closeRedis(control);
  await server.stop();
  await db.drop();
});

const roomJson = async (id: string) => {
  const raw = await control.get(RedisKeys.room(id));
  return raw === null ? null : JSON.parse(raw);
};

describe('RoomCache scripts', () => {
  let redis: Redis;
  let cache: RoomCache;
  beforeAll(async () => {
    // As room-service's own Redis user: its scripts must stay within its rights.
    redis = await connectFailFastRedis(server.urlFor('room-service'));
    cache = new RoomCache(redis, { ttlSeconds: 600 });
  });
  afterAll(() => redis.quit());

  const aRoom = (isActive: boolean): Room => ({
    id: randomUUID(),
    hostId: host.id,
    isActive,
    maxParticipants: 4,
    createdAt: new Date().toISOString(),
  });

  it('never lets an active copy replace an ended one', async () => {
    const ended = aRoom(false);
    await cache.recordEnd(ended);
    expect(await cache.remember({ ...ended, isActive: true })).toBe(false);
    expect(await cache.get(ended.id)).toEqual(ended);
  });

  it('writes active over active, ended over active, and over an unreadable entry', async () => {
    const room = aRoom(true);
    expect(await cache.remember(room)).toBe(true);
    expect(await cache.remember({ ...room, maxParticipants: 6 })).toBe(true);
    expect(await cache.get(room.id)).toEqual({ ...room, maxParticipants: 6 });
    expect(await cache.remember({ ...room, isActive: false })).toBe(true);
    expect(await cache.get(room.id)).toEqual({ ...room, isActive: false });

    const garbled = aRoom(true);
    await control.set(RedisKeys.room(garbled.id), 'not json');
    expect(await cache.remember(garbled)).toBe(true);
    expect(await cache.get(garbled.id)).toEqual(garbled);
    const ttl = await control.ttl(RedisKeys.room(garbled.id));
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('refuses to record the end of a room that is still active, writing nothing', async () => {
    const room = aRoom(true);
    await expect(cache.recordEnd(room)).rejects.toThrow(/active/);
    expect(await control.exists(RedisKeys.room(room.id))).toBe(0);
  });
});

describe('two replicas racing an end against a cache refill', () => {
  let primary: RoomServiceApp;
  let replica: RoomServiceApp;

  beforeAll(async () => {
    const urls = {
      databaseUrl: db.urlFor('room-service'),
      redisUrl: server.urlFor('room-service'),
    };
    [primary, replica] = await Promise.all([
      startRoomService(urls, keys),
      startRoomService(urls, keys),
    ]);
    // Load both scripts now: a first EVALSHA answered NOSCRIPT would reorder the commands below.
    await control.script('LOAD', CACHE_ROOM_LUA);
    await control.script('LOAD', END_ROOM_LUA);
  });
  afterAll(async () => {
    await Promise.all([primary.close(), replica.close()]);
  });

  const blockedClients = async () =>
    Number(/blocked_clients:(\d+)/.exec(await control.info('clients'))?.[1]);

  it('cannot resurrect the room when the reader loaded the row before the end committed', async () => {
    const created = await primary.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { authorization: host.authorization },
    });
    const room = created.json() as Room;
    await control.del(RedisKeys.room(room.id));
    const headers = { authorization: host.authorization };

    // Hold every Redis write, so the interleaving is forced rather than hoped for:
    // 1. the primary's end has updated the row (uncommitted) and its cache script waits;
    // 2. the replica misses the cache, reads the still-active row, and its refill waits behind.
    await control.call('CLIENT', 'PAUSE', '10000', 'WRITE');
    let ending: Promise<LightMyRequestResponse> | undefined;
    let reading: Promise<LightMyRequestResponse> | undefined;
    try {
      ending = primary.inject({ method: 'POST', url: `/api/rooms/${room.id}/end`, headers });
      await eventually('the end waits on Redis', blockedClients, (blocked) => blocked === 1);
      reading = replica.inject({ method: 'GET', url: `/api/rooms/${room.id}`, headers });
      await eventually('the refill waits on Redis', blockedClients, (blocked) => blocked === 2);
    } finally {
      await control.call('CLIENT', 'UNPAUSE');
    }
    const [ended, read] = await Promise.all([ending, reading]);

    expect(ended?.json()).toEqual({ ...room, isActive: false });
    // The replica really did hold a stale copy: it answered from the row it read before commit.
    expect(read?.json()).toEqual(room);
    // …and yet the refill that reached Redis after the end did not bring the room back.
    expect(await roomJson(room.id)).toEqual({ ...room, isActive: false });
    const [row] = await db.sql<{ is_active: boolean }[]>`
      SELECT is_active FROM meetings WHERE id = ${room.id}`;
    expect(row?.is_active).toBe(false);
  });
});
