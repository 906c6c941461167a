import { randomUUID } from 'node:crypto';
import { CloseCode, Limits } from '@qual-meet/protocol';
import { freePort } from '@qual-meet/local-servers';
import { RedisKeys } from '@qual-meet/redis';
import { eventually, SignalingTestClient } from '@qual-meet/testing';
import { seedRoom, startNode, testUser } from './test-support/fixtures';
import { useSignalingSuite } from './test-support/signaling-suite';

// Rooms on two nodes sharing one Redis database, as in production behind nginx: joins, leaves,
// capacity and meetings ended, with the peers on different nodes unless the test says otherwise.
const suite = useSignalingSuite();
const { signIn, registerAccount, meetingHostedBy, joined, roomServiceLookups } = suite;

describe('rooms', () => {
  it('joins across nodes: room_joined to the joiner, user_joined to the others', async () => {
    const room = await seedRoom(suite.redis);
    const a = await joined(suite.nodeA, room.id);
    const meeting = {
      hostId: room.hostId,
      locked: false,
      hands: [],
      resumeToken: expect.stringMatching(/^[\w-]{32}$/) as unknown,
      resumed: false,
    };
    expect(a.frame).toEqual({
      type: 'room_joined',
      roomId: room.id,
      existingPeers: [],
      peers: [],
      ...meeting,
    });

    const b = await joined(suite.nodeB, room.id);
    expect(b.frame).toEqual({
      type: 'room_joined',
      roomId: room.id,
      existingPeers: [a.user.userId],
      peers: [{ userId: a.user.userId, displayName: a.user.displayName, domain: 'example.com' }],
      ...meeting,
    });
    expect(await a.client.next()).toEqual({
      type: 'user_joined',
      userId: b.user.userId,
      displayName: b.user.displayName,
      domain: 'example.com',
    });

    const members = await suite.redis.hgetall(RedisKeys.roomMembers(room.id));
    expect(Object.keys(members).sort()).toEqual([a.user.userId, b.user.userId].sort());
    const presence = await suite.redis.get(RedisKeys.presence(room.id, b.user.userId));
    expect(presence).toMatch(/^node-b:[\w-]+$/);
    const ttl = await suite.redis.ttl(RedisKeys.presence(room.id, b.user.userId));
    expect(ttl).toBeGreaterThan(25);
    expect(ttl).toBeLessThanOrEqual(Limits.presenceTtlSeconds);
  });

  it('answers room_not_found for an unknown room and room_inactive for an ended one', async () => {
    const { client } = await signIn(suite.nodeA);
    client.send({ type: 'join_room', roomId: randomUUID() });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'room_not_found' });
    const ended = await seedRoom(suite.redis, { isActive: false });
    client.send({ type: 'join_room', roomId: ended.id });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'room_inactive' });
  });

  it('asks room-service, with the user’s own token, when the room is not cached', async () => {
    const user = testUser(suite.keys);
    await registerAccount(user);
    const [row] = await suite.postgres.sql<{ id: string }[]>`
      INSERT INTO meetings (host_id, max_participants) VALUES (${user.userId}, 3) RETURNING id`;
    const roomId = row!.id;
    expect(await suite.redis.get(RedisKeys.room(roomId))).toBeNull();

    const a = await joined(suite.nodeB, roomId, user);
    expect(a.frame.roomId).toBe(roomId);
    // room-service accepted the forwarded token and filled the cache; signaling itself never writes it.
    expect(JSON.parse((await suite.redis.get(RedisKeys.room(roomId)))!)).toMatchObject({
      id: roomId,
      isActive: true,
    });

    await suite.postgres.sql`UPDATE meetings SET is_active = false WHERE id = ${roomId}`;
    await suite.redis.del(RedisKeys.room(roomId));
    const late = await signIn(suite.nodeA);
    late.client.send({ type: 'join_room', roomId });
    expect(await late.client.next()).toMatchObject({ code: 'room_inactive' });
  });

  it('answers room_not_found when room-service does not know the room', async () => {
    const { client } = await signIn(suite.nodeA);
    client.send({ type: 'join_room', roomId: randomUUID() });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'room_not_found' });
  });

  it('remembers an unknown room id briefly: repeated joins never reach room-service again', async () => {
    const before = await roomServiceLookups(suite.nodeA);
    const { client } = await signIn(suite.nodeA);
    const unknown = randomUUID();
    for (let i = 0; i < 5; i += 1) {
      client.send({ type: 'join_room', roomId: unknown });
      expect(await client.error('room_not_found')).toMatchObject({ code: 'room_not_found' });
    }
    expect((await roomServiceLookups(suite.nodeA)) - before).toBe(1);
  });

  it('holds a flood of unknown room ids at the join rate: of 80, at most 20 reach room-service', async () => {
    const before = await roomServiceLookups(suite.nodeA);
    const { client } = await signIn(suite.nodeA);
    for (let i = 0; i < 80; i += 1) client.send({ type: 'join_room', roomId: randomUUID() });
    for (let i = 0; i < 80; i += 1) await client.take('error');
    const codes = client.received.flatMap((frame) => (frame.type === 'error' ? [frame.code] : []));
    expect(codes.filter((code) => code === 'room_not_found')).toHaveLength(20);
    expect(codes.filter((code) => code === 'rate_limited')).toHaveLength(60);
    expect((await roomServiceLookups(suite.nodeA)) - before).toBe(20);
  });

  it('closes with 1013 (try again later) when room-service cannot be reached', async () => {
    const node = await startNode({
      ...suite.env('node-c'),
      ROOM_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
    });
    try {
      const client = await SignalingTestClient.authenticated(node.url, testUser(suite.keys).token);
      client.send({ type: 'join_room', roomId: randomUUID() });
      expect((await client.closed).code).toBe(CloseCode.TRY_AGAIN_LATER);
    } finally {
      await node.close();
    }
  });

  it('lets exactly 2 of 8 clients racing on both nodes into a room of 2', async () => {
    const room = await seedRoom(suite.redis, { maxParticipants: 2 });
    const racers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => signIn(i % 2 === 0 ? suite.nodeA : suite.nodeB)),
    );
    for (const racer of racers) racer.client.send({ type: 'join_room', roomId: room.id });
    const outcomes = await Promise.all(
      racers.map(async ({ client }) => {
        const frame = await client.next();
        return frame.type === 'error' ? frame.code : frame.type;
      }),
    );
    expect(outcomes.filter((o) => o === 'room_joined')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'room_full')).toHaveLength(6);
    expect(await suite.redis.hlen(RedisKeys.roomMembers(room.id))).toBe(2);
  });

  it('stops counting a member whose presence expired: pruned, announced, seat given away', async () => {
    const room = await seedRoom(suite.redis, { maxParticipants: 2 });
    const a = await joined(suite.nodeA, room.id);
    const b = await joined(suite.nodeB, room.id);
    await a.client.take('user_joined');
    // As if b had stopped heartbeating for 30 s (or its node had died unnoticed).
    await suite.redis.del(RedisKeys.presence(room.id, b.user.userId));

    const c = await joined(suite.nodeA, room.id);
    expect(c.frame.existingPeers).toEqual([a.user.userId]);
    expect(await a.client.next()).toEqual({ type: 'user_left', userId: b.user.userId });
    expect(await a.client.next()).toMatchObject({ type: 'user_joined', userId: c.user.userId });
    // b's node learns its seat is gone and cannot get it back in the full room.
    expect(await b.client.error('room_full')).toMatchObject({ code: 'room_full' });
    expect(await suite.redis.hlen(RedisKeys.roomMembers(room.id))).toBe(2);
  });

  it('announces leave_room and socket close as user_left; leaving twice is not_in_room', async () => {
    const room = await seedRoom(suite.redis);
    const a = await joined(suite.nodeA, room.id);
    const b = await joined(suite.nodeB, room.id);
    const c = await joined(suite.nodeA, room.id);
    await a.client.take('user_joined', (f) => f.userId === b.user.userId);
    await a.client.take('user_joined', (f) => f.userId === c.user.userId);
    await b.client.take('user_joined', (f) => f.userId === c.user.userId);

    b.client.send({ type: 'leave_room' });
    expect(await a.client.take('user_left')).toEqual({ type: 'user_left', userId: b.user.userId });
    expect(await c.client.take('user_left')).toEqual({ type: 'user_left', userId: b.user.userId });
    b.client.send({ type: 'leave_room' });
    expect(await b.client.next()).toMatchObject({ code: 'not_in_room' });
    b.client.send({ type: 'offer', targetUserId: a.user.userId, sdp: 'v=0' });
    expect(await b.client.next()).toMatchObject({ code: 'not_in_room' });

    await c.client.kill();
    expect(await a.client.take('user_left')).toEqual({ type: 'user_left', userId: c.user.userId });
    await eventually(
      'one member is left',
      () => suite.redis.hkeys(RedisKeys.roomMembers(room.id)),
      (members) => members.length === 1,
    );
    expect(await suite.redis.exists(RedisKeys.presence(room.id, c.user.userId))).toBe(0);
  });

  it('replaces an older connection of the same user: 4409, then user_left and user_joined', async () => {
    const room = await seedRoom(suite.redis);
    const user = testUser(suite.keys);
    const first = await joined(suite.nodeA, room.id, user);
    const other = await joined(suite.nodeA, room.id);
    await first.client.take('user_joined');

    const second = await joined(suite.nodeB, room.id, user);
    expect(second.frame.existingPeers).toEqual([other.user.userId]);
    expect((await first.client.closed).code).toBe(CloseCode.REPLACED);
    expect(await other.client.next()).toEqual({ type: 'user_left', userId: user.userId });
    expect(await other.client.next()).toEqual({
      type: 'user_joined',
      userId: user.userId,
      displayName: user.displayName,
      domain: 'example.com',
    });
    // The seat is the new connection's: relays reach it, and only one seat is counted.
    other.client.send({ type: 'offer', targetUserId: user.userId, sdp: 'v=0 to the new one' });
    expect(await second.client.take('offer')).toMatchObject({ sdp: 'v=0 to the new one' });
    expect(await suite.redis.hlen(RedisKeys.roomMembers(room.id))).toBe(2);
  });

  it('removes everyone with room_ended when the host ends the meeting at room-service', async () => {
    const host = testUser(suite.keys);
    const room = await meetingHostedBy(host);
    const a = await joined(suite.nodeA, room.id, host);
    const b = await joined(suite.nodeB, room.id);
    await a.client.take('user_joined');
    const ended = await fetch(`${suite.roomServiceUrl}/api/rooms/${room.id}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}` },
    });
    expect(ended.status).toBe(200);

    expect(await a.client.next()).toEqual({ type: 'room_ended', roomId: room.id });
    expect(await b.client.next()).toEqual({ type: 'room_ended', roomId: room.id });
    a.client.send({ type: 'offer', targetUserId: b.user.userId, sdp: 'v=0' });
    expect(await a.client.next()).toMatchObject({ code: 'not_in_room' });
    await eventually(
      'the room has no member',
      () => suite.redis.hlen(RedisKeys.roomMembers(room.id)),
      (count) => count === 0,
    );
    expect(b.client.received.filter((f) => f.type === 'user_left')).toHaveLength(0);
  });

  it('refreshes presence on heartbeat', async () => {
    const room = await seedRoom(suite.redis);
    const a = await joined(suite.nodeB, room.id);
    const key = RedisKeys.presence(room.id, a.user.userId);
    await suite.redis.expire(key, 3);
    a.client.send({ type: 'heartbeat' });
    const ttl = await eventually(
      'the presence TTL is refreshed',
      () => suite.redis.ttl(key),
      (t) => t > 3,
    );
    expect(ttl).toBeGreaterThan(25);
  });

  it('subscribes a node to a room channel exactly while it holds a member there', async () => {
    const room = await seedRoom(suite.redis);
    const channel = RedisKeys.roomEvents(room.id);
    const subscribers = async () => Number((await suite.redis.pubsub('NUMSUB', channel))[1]);
    expect(await subscribers()).toBe(0);
    const a = await joined(suite.nodeA, room.id);
    expect(await subscribers()).toBe(1);
    const b = await joined(suite.nodeB, room.id);
    expect(await subscribers()).toBe(2);
    b.client.send({ type: 'leave_room' });
    await a.client.take('user_left');
    await eventually('a node subscribes to the room', subscribers, (n) => n === 1);
    await a.client.close();
    await eventually('no node subscribes to the room', subscribers, (n) => n === 0);
  });
});
