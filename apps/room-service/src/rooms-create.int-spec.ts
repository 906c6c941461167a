import { type Room } from '@qual-meet/protocol';
import { RedisKeys } from '@qual-meet/redis';
import { validationFailedFor } from '@qual-meet/testing';
import { createUser } from './test-support/room-fixtures';
import { useRoomsSuite, UUID } from './test-support/rooms-suite';

// Creating meetings (POST /api/rooms) and listing one's own.
const suite = useRoomsSuite();
const { call, createRoom, cachedRoom, storedRoom } = suite;

describe('POST /api/rooms', () => {
  it.each([
    ['no body at all', undefined],
    ['an empty object', {}],
  ])('creates a room with 4 seats by default for %s', async (_case, payload) => {
    const response = await call('POST', '/api/rooms', suite.host, payload);
    expect(response.statusCode).toBe(201);
    const room = response.json();
    expect(room).toEqual({
      id: expect.stringMatching(UUID),
      hostId: suite.host.id,
      isActive: true,
      maxParticipants: 4,
      createdAt: expect.any(String),
    });
    expect(Math.abs(Date.parse(room.createdAt) - Date.now())).toBeLessThan(60_000);
  });

  it('treats an empty body labelled JSON (fetch with no body) as no body', async () => {
    const response = await suite.app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { authorization: suite.host.authorization, 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().maxParticipants).toBe(4);
  });

  it('accepts 2 to 6 participants', async () => {
    for (const maxParticipants of [2, 3, 6]) {
      expect((await createRoom(suite.host, { maxParticipants })).maxParticipants).toBe(
        maxParticipants,
      );
    }
  });

  it('writes through: the row in Postgres, then the same room in Redis with a TTL', async () => {
    const room = await createRoom(suite.host, { maxParticipants: 5 });
    expect(await storedRoom(room.id)).toEqual({
      is_active: true,
      max_participants: 5,
      host_id: suite.host.id,
    });
    expect(await cachedRoom(room.id)).toEqual(room);
    const ttl = await suite.redis.ttl(RedisKeys.room(room.id));
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
    const before = await suite.db.sql`SELECT id FROM meetings`;
    const response = await call('POST', '/api/rooms', suite.host, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject(validationFailedFor(field));
    expect(await suite.db.sql`SELECT id FROM meetings`).toHaveLength(before.length);
  });

  it('answers 400 INVALID_JSON for malformed JSON and 415 for a body that is not JSON', async () => {
    const headers = { authorization: suite.host.authorization };
    const malformed = await suite.app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: '{"maxParticipants": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('INVALID_JSON');
    const form = await suite.app.inject({
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
      const response = await call('POST', url, suite.host, huge);
      expect(response.statusCode).toBe(413);
      expect(response.json()).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        error: 'Payload Too Large',
      });
    }
    expect(await storedRoom(room.id)).toMatchObject({ is_active: true });
  });
});

describe('GET /api/rooms?mine=true', () => {
  it("lists the caller's meetings, newest first, at most 20, ended ones included", async () => {
    const owner = await createUser(suite.db.sql, suite.keys);
    const created: Room[] = [];
    for (let i = 0; i < 22; i++) created.push(await createRoom(owner));
    await createRoom(suite.guest);
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
    const newcomer = await createUser(suite.db.sql, suite.keys);
    const response = await call('GET', '/api/rooms?mine=true', newcomer);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ rooms: [] });
  });

  it.each([
    ['no query', '/api/rooms', 'mine'],
    ['mine=false', '/api/rooms?mine=false', 'mine'],
    ['an unknown parameter', '/api/rooms?mine=true&limit=500', 'limit'],
  ])('answers 400 VALIDATION_FAILED for %s', async (_case, url, field) => {
    const response = await call('GET', url, suite.host);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field });
  });
});
