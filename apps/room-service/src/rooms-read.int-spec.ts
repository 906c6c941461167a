import { randomUUID } from 'node:crypto';
import { RedisKeys } from '@qual-meet/redis';
import { useRoomsSuite } from './test-support/rooms-suite';

// Reading a meeting (GET /api/rooms/:id): the cache in front of Postgres.
const suite = useRoomsSuite();
const { call, createRoom, cachedRoom } = suite;

describe('GET /api/rooms/:id', () => {
  it('returns the room to any signed-in user (people join by link)', async () => {
    const room = await createRoom();
    const response = await call('GET', `/api/rooms/${room.id}`, suite.guest);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(room);
  });

  it('reads from Redis, and falls back to Postgres and refills the cache on a miss', async () => {
    const room = await createRoom();
    // Change the row behind the cache's back: a hit must not look at Postgres.
    await suite.db.sql`UPDATE meetings SET max_participants = 6 WHERE id = ${room.id}`;
    expect((await call('GET', `/api/rooms/${room.id}`, suite.guest)).json().maxParticipants).toBe(
      4,
    );

    await suite.redis.del(RedisKeys.room(room.id));
    const refilled = await call('GET', `/api/rooms/${room.id}`, suite.guest);
    expect(refilled.json()).toEqual({ ...room, maxParticipants: 6 });
    expect(await cachedRoom(room.id)).toEqual({ ...room, maxParticipants: 6 });
    expect(await suite.redis.ttl(RedisKeys.room(room.id))).toBeGreaterThan(0);
  });

  it('treats an unreadable cache entry as a miss and replaces it', async () => {
    const room = await createRoom();
    await suite.redis.set(RedisKeys.room(room.id), '{"id": "truncated');
    const response = await call('GET', `/api/rooms/${room.id}`, suite.guest);
    expect(response.json()).toEqual(room);
    expect(await cachedRoom(room.id)).toEqual(room);
  });

  it.each(['not-a-uuid', '12345', `${randomUUID()}x`, 'DROP TABLE meetings'])(
    'answers 400 VALIDATION_FAILED naming `id` for the malformed id %p',
    async (id) => {
      const response = await call('GET', `/api/rooms/${encodeURIComponent(id)}`, suite.host);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'id' });
    },
  );

  it('answers 404 ROOM_NOT_FOUND for an unknown id, and caches nothing for it', async () => {
    const id = randomUUID();
    const response = await call('GET', `/api/rooms/${id}`, suite.host);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      statusCode: 404,
      code: 'ROOM_NOT_FOUND',
      error: 'Not Found',
      message: expect.any(String),
    });
    expect(await suite.redis.exists(RedisKeys.room(id))).toBe(0);
  });
});
