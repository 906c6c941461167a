import { randomUUID } from 'node:crypto';
import { roomEndedEventSchema, roomSchema, type Room } from '@qual-meet/protocol';
import { RedisKeys, type Redis } from '@qual-meet/redis';
import {
  closeRedis,
  badAuthorizationHeaders,
  bearerFor,
  claimRedisDatabase,
  connectFailFastRedis,
  createTestDatabase,
  generateTestKeyPair,
  type TestDatabase,
  type TestRedisDatabase,
} from '@qual-meet/testing';
import {
  ChannelRecorder,
  createUser,
  type TestUser,
  startRoomService,
  type RoomServiceApp,
} from './test-support/room-fixtures';

const keys = generateTestKeyPair();
let db: TestDatabase;
let redisDb: TestRedisDatabase;
/** The suite's own client, for arranging and asserting the cache. */
let redis: Redis;
let app: RoomServiceApp;
let host: TestUser;
let guest: TestUser;

beforeAll(async () => {
  db = await createTestDatabase();
  redisDb = await claimRedisDatabase();
  redis = await connectFailFastRedis(redisDb.url);
  app = await startRoomService(
    { databaseUrl: db.urlFor('room-service'), redisUrl: redisDb.urlFor('room-service') },
    keys,
  );
  host = await createUser(db.sql, keys);
  guest = await createUser(db.sql, keys);
});

afterAll(async () => {
  await app.close();
  await closeRedis(redis);
  await redisDb.release();
  await db.drop();
});

type Method = 'GET' | 'POST';
function call(method: Method, url: string, user: TestUser | undefined, payload?: unknown) {
  return app.inject({
    method,
    url,
    headers: user ? { authorization: user.authorization } : {},
    ...(payload === undefined ? {} : { payload: payload as never }),
  });
}

async function createRoom(user = host, payload?: unknown): Promise<Room> {
  const response = await call('POST', '/api/rooms', user, payload);
  expect(response.statusCode).toBe(201);
  return roomSchema.parse(response.json());
}

async function cachedRoom(id: string): Promise<unknown> {
  const raw = await redis.get(RedisKeys.room(id));
  return raw === null ? null : JSON.parse(raw);
}

async function storedRoom(id: string) {
  const [row] = await db.sql<{ is_active: boolean; max_participants: number; host_id: string }[]>`
    SELECT is_active, max_participants, host_id FROM meetings WHERE id = ${id}`;
  return row;
}

async function countMeetings(): Promise<number> {
  const [row] = await db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM meetings`;
  return row?.n ?? 0;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('bearer token on every route', () => {
  it('refuses a missing, forged, tampered, expired or unsigned token with the same 401', async () => {
    const room = await createRoom();
    const meetingsBefore = await countMeetings();
    const claims = { sub: host.id, email: host.email, iss: 'qual-meet', aud: 'qual-meet' };
    const valid = host.authorization.slice('Bearer '.length);
    const badHeaders = badAuthorizationHeaders(keys, claims, valid);
    const routes: [Method, string][] = [
      ['POST', '/api/rooms'],
      ['GET', `/api/rooms/${room.id}`],
      ['POST', `/api/rooms/${room.id}/end`],
      ['GET', '/api/rooms?mine=true'],
      // Authentication comes before validation: a bad id still answers 401.
      ['GET', '/api/rooms/not-a-uuid'],
    ];
    for (const [method, url] of routes) {
      for (const [name, authorization] of Object.entries(badHeaders)) {
        const response = await app.inject({
          method,
          url,
          headers: authorization ? { authorization } : {},
        });
        expect({ method, url, name, status: response.statusCode, body: response.json() }).toEqual({
          method,
          url,
          name,
          status: 401,
          body: {
            statusCode: 401,
            code: 'UNAUTHORIZED',
            error: 'Unauthorized',
            message: expect.any(String),
          },
        });
      }
    }
    // None of the refused calls wrote or ended anything.
    expect(await storedRoom(room.id)).toMatchObject({ is_active: true });
    expect(await countMeetings()).toBe(meetingsBefore);
  });

  it('refuses a valid token whose account no longer exists when creating, writing nothing', async () => {
    const ghost = randomUUID();
    const response = await app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { authorization: bearerFor(keys, ghost) },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('UNAUTHORIZED');
    expect(await db.sql`SELECT id FROM meetings WHERE host_id = ${ghost}`).toHaveLength(0);
  });
});

describe('POST /api/rooms', () => {
  it.each([
    ['no body at all', undefined],
    ['an empty object', {}],
  ])('creates a room with 4 seats by default for %s', async (_case, payload) => {
    const response = await call('POST', '/api/rooms', host, payload);
    expect(response.statusCode).toBe(201);
    const room = response.json();
    expect(room).toEqual({
      id: expect.stringMatching(UUID),
      hostId: host.id,
      isActive: true,
      maxParticipants: 4,
      createdAt: expect.any(String),
    });
    expect(Math.abs(Date.parse(room.createdAt) - Date.now())).toBeLessThan(60_000);
  });

  it('treats an empty body labelled JSON (fetch with no body) as no body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { authorization: host.authorization, 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().maxParticipants).toBe(4);
  });

  it('accepts 2 to 6 participants', async () => {
    for (const maxParticipants of [2, 3, 6]) {
      expect((await createRoom(host, { maxParticipants })).maxParticipants).toBe(maxParticipants);
    }
  });

  it('writes through: the row in Postgres, then the same room in Redis with a TTL', async () => {
    const room = await createRoom(host, { maxParticipants: 5 });
    expect(await storedRoom(room.id)).toEqual({
      is_active: true,
      max_participants: 5,
      host_id: host.id,
    });
    expect(await cachedRoom(room.id)).toEqual(room);
    const ttl = await redis.ttl(RedisKeys.room(room.id));
    expect(ttl).toBeGreaterThan(24 * 3600 - 60);
    expect(ttl).toBeLessThanOrEqual(24 * 3600);
  });

  it.each([
    ['too few participants', { maxParticipants: 1 }, 'maxParticipants'],
    ['too many participants', { maxParticipants: 7 }, 'maxParticipants'],
    ['a fractional count', { maxParticipants: 3.5 }, 'maxParticipants'],
    ['a count as a string', { maxParticipants: '4' }, 'maxParticipants'],
    ['a null count', { maxParticipants: null }, 'maxParticipants'],
    ['an unknown field', { maxParticipants: 4, topic: 'secret plans' }, 'topic'],
    ['a body that is not an object', [4], 'body'],
  ])('answers 400 VALIDATION_FAILED naming the field for %s', async (_case, payload, field) => {
    const before = await db.sql`SELECT id FROM meetings`;
    const response = await call('POST', '/api/rooms', host, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      error: 'Bad Request',
      field,
    });
    expect(await db.sql`SELECT id FROM meetings`).toHaveLength(before.length);
  });

  it('answers 400 INVALID_JSON for malformed JSON and 415 for a body that is not JSON', async () => {
    const headers = { authorization: host.authorization };
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"maxParticipants": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('INVALID_JSON');
    const form = await app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'maxParticipants=4',
    });
    expect(form.statusCode).toBe(415);
    expect(form.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 for a body over 16 KiB, on create and on end', async () => {
    const room = await createRoom();
    const huge = { maxParticipants: 4, padding: 'x'.repeat(17 * 1024) };
    for (const url of ['/api/rooms', `/api/rooms/${room.id}/end`]) {
      const response = await call('POST', url, host, huge);
      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        error: 'Payload Too Large',
      });
    }
    expect(await storedRoom(room.id)).toMatchObject({ is_active: true });
  });
});

describe('GET /api/rooms/:id', () => {
  it('returns the room to any signed-in user (people join by link)', async () => {
    const room = await createRoom();
    const response = await call('GET', `/api/rooms/${room.id}`, guest);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(room);
  });

  it('reads from Redis, and falls back to Postgres and refills the cache on a miss', async () => {
    const room = await createRoom();
    // Change the row behind the cache's back: a hit must not look at Postgres.
    await db.sql`UPDATE meetings SET max_participants = 6 WHERE id = ${room.id}`;
    expect((await call('GET', `/api/rooms/${room.id}`, guest)).json().maxParticipants).toBe(4);

    await redis.del(RedisKeys.room(room.id));
    const refilled = await call('GET', `/api/rooms/${room.id}`, guest);
    expect(refilled.json()).toEqual({ ...room, maxParticipants: 6 });
    expect(await cachedRoom(room.id)).toEqual({ ...room, maxParticipants: 6 });
    expect(await redis.ttl(RedisKeys.room(room.id))).toBeGreaterThan(0);
  });

  it('treats an unreadable cache entry as a miss and replaces it', async () => {
    const room = await createRoom();
    await redis.set(RedisKeys.room(room.id), '{"id": "truncated');
    const response = await call('GET', `/api/rooms/${room.id}`, guest);
    expect(response.json()).toEqual(room);
    expect(await cachedRoom(room.id)).toEqual(room);
  });

  it.each(['not-a-uuid', '12345', `${randomUUID()}x`, 'DROP TABLE meetings'])(
    'answers 400 VALIDATION_FAILED naming `id` for the malformed id %p',
    async (id) => {
      const response = await call('GET', `/api/rooms/${encodeURIComponent(id)}`, host);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'id' });
    },
  );

  it('answers 404 ROOM_NOT_FOUND for an unknown id, and caches nothing for it', async () => {
    const id = randomUUID();
    const response = await call('GET', `/api/rooms/${id}`, host);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      statusCode: 404,
      code: 'ROOM_NOT_FOUND',
      error: 'Not Found',
      message: expect.any(String),
    });
    expect(await redis.exists(RedisKeys.room(id))).toBe(0);
  });
});

describe('POST /api/rooms/:id/end', () => {
  let recorder: ChannelRecorder;
  let room: Room;

  beforeEach(async () => {
    room = await createRoom();
    recorder = await ChannelRecorder.open(redisDb.url, [RedisKeys.roomEvents(room.id)]);
  });
  afterEach(() => recorder.close());

  const events = () => recorder.drain(redis, RedisKeys.roomEvents(room.id));

  it('lets the host end the room: Postgres, cache and one room_ended event agree', async () => {
    const response = await call('POST', `/api/rooms/${room.id}/end`, host);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ...room, isActive: false });
    expect(await storedRoom(room.id)).toMatchObject({ is_active: false });
    expect(await cachedRoom(room.id)).toEqual({ ...room, isActive: false });

    const received = await events();
    expect(received).toEqual([
      {
        channel: RedisKeys.roomEvents(room.id),
        event: { type: 'room_ended', from: 'room-service', data: { roomId: room.id } },
      },
    ]);
    expect(roomEndedEventSchema.safeParse(received[0]?.event).success).toBe(true);
    expect((await call('GET', `/api/rooms/${room.id}`, guest)).json().isActive).toBe(false);
  });

  it('is idempotent: ending again answers 200 and announces nothing new', async () => {
    expect((await call('POST', `/api/rooms/${room.id}/end`, host)).statusCode).toBe(200);
    const again = await call('POST', `/api/rooms/${room.id}/end`, host, {});
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...room, isActive: false });
    expect(await events()).toHaveLength(1);
  });

  it('restores a lost cache entry when ended again, still without a second event', async () => {
    expect((await call('POST', `/api/rooms/${room.id}/end`, host)).statusCode).toBe(200);
    await redis.del(RedisKeys.room(room.id));
    expect((await call('POST', `/api/rooms/${room.id}/end`, host)).statusCode).toBe(200);
    expect(await cachedRoom(room.id)).toEqual({ ...room, isActive: false });
    expect(await events()).toHaveLength(1);
  });

  it('answers 403 NOT_HOST to anyone else, changing and announcing nothing', async () => {
    const response = await call('POST', `/api/rooms/${room.id}/end`, guest);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      statusCode: 403,
      code: 'NOT_HOST',
      error: 'Forbidden',
      message: expect.any(String),
    });
    expect(await storedRoom(room.id)).toMatchObject({ is_active: true });
    expect(await cachedRoom(room.id)).toEqual(room);
    expect(await events()).toEqual([]);
  });

  it('answers 403 NOT_HOST to anyone else for an ended room too, telling them nothing of it', async () => {
    expect((await call('POST', `/api/rooms/${room.id}/end`, host)).statusCode).toBe(200);
    const response = await call('POST', `/api/rooms/${room.id}/end`, guest);
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('NOT_HOST');
    expect(await events()).toHaveLength(1);
  });

  it('answers 404 for an unknown room and 400 naming `id` for a malformed one', async () => {
    const unknown = await call('POST', `/api/rooms/${randomUUID()}/end`, host);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('ROOM_NOT_FOUND');
    const malformed = await call('POST', '/api/rooms/42/end', host);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'id' });
    expect(await events()).toEqual([]);
  });

  it('rejects unknown body fields', async () => {
    const response = await call('POST', `/api/rooms/${room.id}/end`, host, { force: true });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'force' });
    expect(await storedRoom(room.id)).toMatchObject({ is_active: true });
  });
});

describe('concurrent ends and reads', () => {
  it('leaves cache and Postgres agreeing the room ended, with exactly one event per room', async () => {
    const rooms = await Promise.all(Array.from({ length: 8 }, () => createRoom()));
    const channels = rooms.map((r) => RedisKeys.roomEvents(r.id));
    const recorder = await ChannelRecorder.open(redisDb.url, channels);
    try {
      // Empty cache, so the readers race to refill it from rows read before the end commits.
      await redis.del(...rooms.map((r) => RedisKeys.room(r.id)));
      const ends: Promise<{ statusCode: number; json(): { isActive: boolean } }>[] = [];
      const reads: typeof ends = [];
      for (const r of rooms) {
        for (let i = 0; i < 30; i++) {
          if (i % 3 === 0) ends.push(call('POST', `/api/rooms/${r.id}/end`, host));
          else reads.push(call('GET', `/api/rooms/${r.id}`, guest));
        }
      }
      const [endResponses, readResponses] = await Promise.all([
        Promise.all(ends),
        Promise.all(reads),
      ]);
      expect([...endResponses, ...readResponses].every((r) => r.statusCode === 200)).toBe(true);
      expect(endResponses.every((r) => r.json().isActive === false)).toBe(true);

      for (const r of rooms) {
        expect(await storedRoom(r.id)).toMatchObject({ is_active: false });
        expect(await cachedRoom(r.id)).toEqual({ ...r, isActive: false });
      }
      const received = await recorder.drain(redis, channels[0]!);
      expect(received.map((m) => m.channel).sort()).toEqual([...channels].sort());
    } finally {
      await recorder.close();
    }
  });
});

describe('GET /api/rooms?mine=true', () => {
  it("lists the caller's meetings, newest first, at most 20, ended ones included", async () => {
    const owner = await createUser(db.sql, keys);
    const created: Room[] = [];
    for (let i = 0; i < 22; i++) created.push(await createRoom(owner));
    await createRoom(guest);
    expect((await call('POST', `/api/rooms/${created[21]!.id}/end`, owner)).statusCode).toBe(200);

    const response = await call('GET', '/api/rooms?mine=true', owner);
    expect(response.statusCode).toBe(200);
    const { rooms } = response.json() as { rooms: Room[] };
    const newestFirst = created.reverse().slice(0, 20);
    expect(rooms.map((r) => r.id)).toEqual(newestFirst.map((r) => r.id));
    expect(rooms[0]).toEqual({ ...newestFirst[0], isActive: false });
    expect(rooms.every((r) => r.hostId === owner.id)).toBe(true);
  });

  it('answers an empty list to someone who never hosted', async () => {
    const newcomer = await createUser(db.sql, keys);
    const response = await call('GET', '/api/rooms?mine=true', newcomer);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ rooms: [] });
  });

  it.each([
    ['no query', '/api/rooms', 'mine'],
    ['mine=false', '/api/rooms?mine=false', 'mine'],
    ['an unknown parameter', '/api/rooms?mine=true&limit=500', 'limit'],
  ])('answers 400 VALIDATION_FAILED for %s', async (_case, url, field) => {
    const response = await call('GET', url, host);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });
});

describe('operations', () => {
  it('serves /healthz and /readyz with both dependencies up', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
  });

  it('answers unknown paths under /api/rooms with a 404 JSON error', async () => {
    const response = await call('GET', `/api/rooms/${randomUUID()}/members`, host);
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('NOT_FOUND');
  });
});
