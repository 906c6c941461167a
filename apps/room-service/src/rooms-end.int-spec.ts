import { randomUUID } from 'node:crypto';
import { roomEndedEventSchema, type Room } from '@qual-meet/protocol';
import { RedisKeys } from '@qual-meet/redis';
import { ChannelRecorder } from './test-support/room-fixtures';
import { useRoomsSuite } from './test-support/rooms-suite';

// Ending a meeting: Postgres, the cache and the room channel agree, also under races.
const suite = useRoomsSuite();
const { call, createRoom, cachedRoom, storedRoom } = suite;

describe('POST /api/rooms/:id/end', () => {
  let recorder: ChannelRecorder;
  let room: Room;

  beforeEach(async () => {
    room = await createRoom();
    recorder = await ChannelRecorder.open(suite.redisDb.url, [RedisKeys.roomEvents(room.id)]);
  });
  afterEach(() => recorder.close());

  const events = () => recorder.drain(suite.redis, RedisKeys.roomEvents(room.id));

  it('lets the host end the room: Postgres, cache and one room_ended event agree', async () => {
    const response = await call('POST', `/api/rooms/${room.id}/end`, suite.host);
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
    expect((await call('GET', `/api/rooms/${room.id}`, suite.guest)).json().isActive).toBe(false);
  });

  it('is idempotent: ending again answers 200 and announces nothing new', async () => {
    expect((await call('POST', `/api/rooms/${room.id}/end`, suite.host)).statusCode).toBe(200);
    const again = await call('POST', `/api/rooms/${room.id}/end`, suite.host, {});
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...room, isActive: false });
    expect(await events()).toHaveLength(1);
  });

  it('restores a lost cache entry when ended again, still without a second event', async () => {
    expect((await call('POST', `/api/rooms/${room.id}/end`, suite.host)).statusCode).toBe(200);
    await suite.redis.del(RedisKeys.room(room.id));
    expect((await call('POST', `/api/rooms/${room.id}/end`, suite.host)).statusCode).toBe(200);
    expect(await cachedRoom(room.id)).toEqual({ ...room, isActive: false });
    expect(await events()).toHaveLength(1);
  });

  it('answers 403 NOT_HOST to anyone else, changing and announcing nothing', async () => {
    const response = await call('POST', `/api/rooms/${room.id}/end`, suite.guest);
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
    expect((await call('POST', `/api/rooms/${room.id}/end`, suite.host)).statusCode).toBe(200);
    const response = await call('POST', `/api/rooms/${room.id}/end`, suite.guest);
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('NOT_HOST');
    expect(await events()).toHaveLength(1);
  });

  it('answers 404 for an unknown room and 400 naming `id` for a malformed one', async () => {
    const unknown = await call('POST', `/api/rooms/${randomUUID()}/end`, suite.host);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('ROOM_NOT_FOUND');
    const malformed = await call('POST', '/api/rooms/42/end', suite.host);
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'id' });
    expect(await events()).toEqual([]);
  });

  it('rejects unknown body fields', async () => {
    const response = await call('POST', `/api/rooms/${room.id}/end`, suite.host, { force: true });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'force' });
    expect(await storedRoom(room.id)).toMatchObject({ is_active: true });
  });
});

describe('concurrent ends and reads', () => {
  it('leaves cache and Postgres agreeing the room ended, with exactly one event per room', async () => {
    const rooms = await Promise.all(Array.from({ length: 8 }, () => createRoom()));
    const channels = rooms.map((r) => RedisKeys.roomEvents(r.id));
    const recorder = await ChannelRecorder.open(suite.redisDb.url, channels);
    try {
      // Empty cache, so the readers race to refill it from rows read before the end commits.
      await suite.redis.del(...rooms.map((r) => RedisKeys.room(r.id)));
      const ends: Promise<{ statusCode: number; json(): { isActive: boolean } }>[] = [];
      const reads: typeof ends = [];
      for (const r of rooms) {
        for (let i = 0; i < 30; i++) {
          if (i % 3 === 0) ends.push(call('POST', `/api/rooms/${r.id}/end`, suite.host));
          else reads.push(call('GET', `/api/rooms/${r.id}`, suite.guest));
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
      const received = await recorder.drain(suite.redis, channels[0]!);
      expect(received.map((m) => m.channel).sort()).toEqual([...channels].sort());
    } finally {
      await recorder.close();
    }
  });
});
