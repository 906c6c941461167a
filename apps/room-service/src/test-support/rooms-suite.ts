import { roomSchema, type Room } from '@qual-meet/protocol';
import { RedisKeys, type Redis } from '@qual-meet/redis';
import {
  claimRedisDatabase,
  closeRedis,
  connectFailFastRedis,
  createTestDatabase,
  generateTestKeyPair,
  liveView,
  type TestDatabase,
  type TestRedisDatabase,
} from '@qual-meet/testing';
import { createUser, startRoomService, type RoomServiceApp, type TestUser } from './room-fixtures';

interface Running {
  db: TestDatabase;
  redisDb: TestRedisDatabase;
  /** The suite's own client, for arranging and asserting the cache. */
  redis: Redis;
  app: RoomServiceApp;
  host: TestUser;
  guest: TestUser;
}

export type Method = 'GET' | 'POST';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The room-service suites' set-up: before their tests, the service in-process on a database and
 * a Redis database of the suite's own, with two users (a host and a guest); after them, all gone.
 * The handle reads what is running and arranges or inspects rooms.
 */
export function useRoomsSuite() {
  const keys = generateTestKeyPair();
  let running: Running | undefined;
  beforeAll(async () => {
    const db = await createTestDatabase();
    const redisDb = await claimRedisDatabase();
    const redis = await connectFailFastRedis(redisDb.url);
    const app = await startRoomService(
      { databaseUrl: db.urlFor('room-service'), redisUrl: redisDb.urlFor('room-service') },
      keys,
    );
    running = {
      db,
      redisDb,
      redis,
      app,
      host: await createUser(db.sql, keys),
      guest: await createUser(db.sql, keys),
    };
  });
  afterAll(async () => {
    if (!running) return;
    await running.app.close();
    await closeRedis(running.redis);
    await running.redisDb.release();
    await running.db.drop();
  });
  const now = (): Running => {
    if (!running) throw new Error('room-service starts in beforeAll');
    return running;
  };

  function call(method: Method, url: string, user: TestUser | undefined, payload?: unknown) {
    return now().app.inject({
      method,
      url,
      headers: user ? { authorization: user.authorization } : {},
      ...(payload === undefined ? {} : { payload: payload as never }),
    });
  }

  return Object.assign(liveView(now, ['db', 'redisDb', 'redis', 'app', 'host', 'guest'] as const), {
    keys,
    call,
    /** A room `user` (by default the host) created through the API. */
    async createRoom(user: TestUser = now().host, payload?: unknown): Promise<Room> {
      const response = await call('POST', '/api/rooms', user, payload);
      expect(response.statusCode).toBe(201);
      return roomSchema.parse(response.json());
    },
    async cachedRoom(id: string): Promise<unknown> {
      const raw = await now().redis.get(RedisKeys.room(id));
      return raw === null ? null : JSON.parse(raw);
    },
    async storedRoom(id: string) {
      const [row] = await now().db.sql<
        { is_active: boolean; max_participants: number; host_id: string }[]
      >`SELECT is_active, max_participants, host_id FROM meetings WHERE id = ${id}`;
      return row;
    },
    async countMeetings(): Promise<number> {
      const [row] = await now().db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM meetings`;
      return row?.n ?? 0;
    },
  });
}
