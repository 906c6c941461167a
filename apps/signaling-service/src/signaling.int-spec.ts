import { randomUUID } from 'node:crypto';
import { CloseCode, Limits } from '@qual-meet/protocol';
import { freePort } from '@qual-meet/local-servers';
import { RedisKeys } from '@qual-meet/redis';
import { eventually, SignalingTestClient } from '@qual-meet/testing';
import { seedRoom, startNode, testUser } from './test-support/fixtures';
import { useSignalingSuite } from './test-support/signaling-suite';

<<<<<<< HEAD
// Two signaling nodes sharing one Redis database, as in production behind nginx: everything a
// client can do is checked with the peers on different nodes unless the test says otherwise.
const keys = generateTestKeyPair();
const AUTH_TIMEOUT_MS = 1_000;
let db: TestRedisDatabase;
let redis: Redis;
let postgres: TestDatabase;
let roomService: RunningServices;
let roomServiceUrl: string;
let nodeA: TestNode;
let nodeB: TestNode;
const clients: TestClient[] = [];

function env(nodeId: string): Record<string, string> {
  return {
    NODE_ID: nodeId,
    REDIS_URL: db.urlFor('signaling-service'),
    JWT_PUBLIC_KEY: keys.publicKeyPem,
    ROOM_SERVICE_URL: roomServiceUrl,
    LOG_LEVEL: 'silent',
    AUTH_TIMEOUT_MS: String(AUTH_TIMEOUT_MS),
    RATE_LIMIT_PER_SECOND: '200',
    RATE_LIMIT_BURST: '400',
    RATE_LIMIT_MAX_DROPS: '50',
    ALLOWED_ORIGINS: 'https://meet.example.com, http://localhost:8080',
  };
}

beforeAll(async () => {
  db = await claimRedisDatabase();
  redis = new Redis(db.url);
  postgres = await createTestDatabase();
  // The real room-service, as its own process, for the cache-miss path.
  const spec = serviceSpecs({
    ports: { gateway: 0, auth: 0, rooms: await freePort(), turn: 0, signaling: [] },
    secrets: {
      jwtPrivateKey: keys.privateKeyPem,
      jwtPublicKey: keys.publicKeyPem,
      turnSecret: 'unused',
    },
    backends: {
      databaseUrl: (service) => postgres.urlFor(service),
      redisUrl: (service) => db.urlFor(service),
      turn: { host: '127.0.0.1', port: 0 },
    },
    env: { LOG_LEVEL: 'warn' },
    local: false,
    publicOrigins: [],
  }).find((s) => s.name === 'room-service')!;
  roomService = await runServices({
    specs: [spec],
    mode: 'source',
    logDir: mkdtempSync(join(tmpdir(), 'signaling-rooms-')),
  });
  roomServiceUrl = roomService.byName('room-service').url;
  [nodeA, nodeB] = await Promise.all([startNode(env('node-a')), startNode(env('node-b'))]);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await Promise.all([nodeA?.close(), nodeB?.close()]);
  await roomService?.stop();
  await postgres?.drop();
  if (redis) await closeRedis(redis);
  await db?.release();
});

/** A connected (not yet authenticated) client, closed after the test. */
async function connect(node: TestNode, path = ''): Promise<TestClient> {
  const client = await TestClient.connect(node.url + path);
  clients.push(client);
  return client;
}

/** An authenticated client of a fresh user (or of `user`). */
async function signIn(node: TestNode, user: TestUser = testUser(keys)) {
  const client = await TestClient.authenticated(node.url, user.token);
  clients.push(client);
  return { client, user };
}

/** Gives `user` an account row, as signing up at auth-service would (meetings reference it). */
async function registerAccount(user: TestUser): Promise<void> {
  await postgres.sql`INSERT INTO users (id, email, password_hash) VALUES (${user.userId}, ${user.email.toLowerCase()}, 'unused')`;
}

/** A meeting `host` created through room-service's API (so it is also in the cache). */
async function meetingHostedBy(host: TestUser): Promise<Room> {
  await registerAccount(host);
  const response = await fetch(`${roomServiceUrl}/api/rooms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Room;
}

/** Signs in and joins; resolves once `room_joined` arrived. */
async function joined(node: TestNode, roomId: string, user?: TestUser) {
  const member = await signIn(node, user);
  member.client.send({ type: 'join_room', roomId });
  const frame = await member.client.take('room_joined');
  return { ...member, frame };
}

/** How often `node` has asked room-service for a room, from its own /metrics. */
async function roomServiceLookups(node: TestNode): Promise<number> {
  const metrics = (await node.app.inject({ url: '/metrics' })).body;
  const line = /^signaling_room_lookups_total\{[^}]*source="room_service"[^}]*\} (\d+)$/m.exec(
    metrics,
  );
  return Number(line?.[1] ?? 0);
}

async function expectUnauthorized(client: TestClient) {
  const error = await client.error('unauthorized');
  expect(error.message).toEqual(expect.any(String));
  expect((await client.closed).code).toBe(CloseCode.UNAUTHORIZED);
}

describe('auth first', () => {
  it('answers a valid token with authenticated {userId}', async () => {
    const user = testUser(keys);
    const client = await connect(nodeA);
    client.send({ type: 'auth', token: user.token });
    expect(await client.next()).toEqual({ type: 'authenticated', userId: user.userId });
  });

  const claims = () => ({
    sub: randomUUID(),
    email: 'mallory@example.com',
    iss: 'qual-meet',
    aud: 'qual-meet',
  });
  const mallory = claims();
  const forged = badTokens(keys, mallory, signTestToken(keys, mallory));

  it.each<[string, () => unknown]>([
    ['no token', () => ({ type: 'auth' })],
    ['an empty token', () => ({ type: 'auth', token: '' })],
    ...Object.entries(forged).map(([name, token]): [string, () => unknown] => [
      `a bad token (${name})`,
      () => ({ type: 'auth', token }),
    ]),
    ['another first frame', () => ({ type: 'join_room', roomId: randomUUID() })],
    ['a heartbeat first', () => ({ type: 'heartbeat' })],
  ])('refuses %s: error unauthorized, close 4401', async (_case, frame) => {
    const client = await connect(nodeB);
    client.send(frame());
    await expectUnauthorized(client);
  });

  it('refuses invalid JSON as the first frame', async () => {
    const client = await connect(nodeA);
    client.sendRaw('{"type":"auth",');
    await expectUnauthorized(client);
  });

  it('never reads a token from the URL', async () => {
    const user = testUser(keys);
    const client = await connect(nodeA, `?token=${user.token}&access_token=${user.token}`);
    client.send({ type: 'join_room', roomId: randomUUID() });
    await expectUnauthorized(client);
  });

  it('closes a socket that sends nothing within the auth timeout', async () => {
    const startedAt = Date.now();
    const client = await connect(nodeB);
    await expectUnauthorized(client);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(AUTH_TIMEOUT_MS - 50);
    expect(client.received).toHaveLength(1);
  });

  it('accepts a fresh token of the same user later, refuses another user', async () => {
    const user = testUser(keys);
    const { client } = await signIn(nodeA, user);
    const fresh = signTestToken(keys, {
      sub: user.userId,
      email: user.email,
      iss: 'qual-meet',
      aud: 'qual-meet',
    });
    client.send({ type: 'auth', token: fresh });
    expect(await client.next()).toEqual({ type: 'authenticated', userId: user.userId });
    client.send({ type: 'auth', token: testUser(keys).token });
    await expectUnauthorized(client);
  });

  it('refuses an upgrade from a foreign Origin with 403 (cross-site WebSocket hijacking)', async () => {
    await expect(TestClient.connect(nodeA.url, { origin: 'https://evil.example' })).rejects.toThrow(
      /403/,
    );
    await expect(
      TestClient.connect(nodeA.url, { origin: 'https://meet.example.com.evil.example' }),
    ).rejects.toThrow(/403/);
  });

  it('accepts an allowed Origin, and no Origin (a non-browser client), then authenticates by token', async () => {
    for (const origin of ['https://meet.example.com', 'HTTP://LOCALHOST:8080', undefined]) {
      const user = testUser(keys);
      const client = await TestClient.connect(nodeA.url, { origin });
      client.send({ type: 'auth', token: user.token });
      expect(await client.next()).toEqual({ type: 'authenticated', userId: user.userId });
      client.socket.close();
    }
  });

  it('refuses WebSocket upgrades on any other path', async () => {
    await expect(TestClient.connect(nodeA.url.replace('/ws', '/socket'))).rejects.toThrow(/404/);
  });
});

describe('frames', () => {
  it.each<[string, string]>([
    ['invalid JSON', '{"type":'],
    ['a JSON array', '[1,2]'],
    ['a bare string', '"join_room"'],
    ['an unknown type', JSON.stringify({ type: 'mute', targetUserId: randomUUID() })],
    ['a missing type', JSON.stringify({ roomId: randomUUID() })],
    ['a number where a room id goes', JSON.stringify({ type: 'join_room', roomId: 42 })],
    ['a room id that is no UUID', JSON.stringify({ type: 'join_room', roomId: 'lobby' })],
    [
      'an sdp that is no string',
      JSON.stringify({ type: 'offer', targetUserId: randomUUID(), sdp: 1 }),
    ],
    [
      'a candidate of the wrong shape',
      JSON.stringify({ type: 'ice_candidate', targetUserId: randomUUID(), candidate: 'x' }),
    ],
    ['an unknown field', JSON.stringify({ type: 'heartbeat', senderUserId: randomUUID() })],
  ])('answers %s with invalid_message and keeps the socket usable', async (_case, raw) => {
    const { client } = await signIn(nodeA);
    client.sendRaw(raw);
    const error = await client.next();
    expect(error).toEqual({ type: 'error', code: 'invalid_message', message: expect.any(String) });
    client.send({ type: 'leave_room' });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'not_in_room' });
  });

  it('answers a binary frame with invalid_message', async () => {
    const { client } = await signIn(nodeB);
    client.sendRaw(Buffer.from(JSON.stringify({ type: 'heartbeat' })), { binary: true });
    expect(await client.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
  });

  it('accepts a frame just under 64 KiB and closes with 1009 on one over it', async () => {
    const { client } = await signIn(nodeA);
    const filler = (bytes: number) => 'a'.repeat(bytes - 40);
    client.sendRaw(JSON.stringify({ type: 'heartbeat', pad: filler(Limits.signalingFrameBytes) }));
    expect(await client.next()).toMatchObject({ type: 'error', code: 'invalid_message' });
    client.sendRaw(
      JSON.stringify({ type: 'heartbeat', pad: filler(Limits.signalingFrameBytes + 100) }),
    );
    expect((await client.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
  });

  it('rate-limits a flooding socket (warns once, then closes 4429) without starving others', async () => {
    const room = await seedRoom(redis);
    const a = await joined(nodeA, room.id);
    const b = await joined(nodeA, room.id);
    await a.client.take('user_joined');
    const flooder = await signIn(nodeA);
    for (let i = 0; i < 520; i += 1) flooder.client.send({ type: 'heartbeat' });
    // Meanwhile a pair on the same node still gets through.
    a.client.send({ type: 'offer', targetUserId: b.user.userId, sdp: 'v=0 during flood' });
    expect(await b.client.take('offer')).toMatchObject({ sdp: 'v=0 during flood' });

    await flooder.client.error('rate_limited');
    expect((await flooder.client.closed).code).toBe(CloseCode.RATE_LIMITED);
    const warnings = flooder.client.received.filter(
      (frame) => frame.type === 'error' && frame.code === 'rate_limited',
    );
    // One warning per flood (a refill between frames may start a new one), never one per frame.
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings.length).toBeLessThan(10);
  });

  it('never crashes on fuzzed frames and only ever answers valid server frames', async () => {
    const frameLike = fc.oneof(
      fc.string(),
      fc.json(),
      fc
        .record(
          {
            type: fc.constantFrom(
              'join_room',
              'leave_room',
              'offer',
              'answer',
              'ice_candidate',
              'heartbeat',
              'auth',
              '__proto__',
              'constructor',
            ),
            roomId: fc.oneof(fc.uuid(), fc.string(), fc.integer()),
            targetUserId: fc.oneof(fc.uuid(), fc.string(), fc.constant(null)),
            sdp: fc.oneof(fc.string(), fc.integer(), fc.object()),
            candidate: fc.oneof(fc.object(), fc.string()),
            token: fc.string(),
          },
          { requiredKeys: ['type'] },
        )
        .map((frame) => JSON.stringify(frame)),
    );
    await fc.assert(
      fc.asyncProperty(frameLike, async (raw) => {
        const { client } = await signIn(nodeB);
        client.sendRaw(raw);
        // A marker: once its answer is here, the fuzzed frame has been handled.
        client.send({ type: 'leave_room' });
        const marker = await Promise.race([
          client.error('not_in_room'),
          client.closed.then(() => undefined),
        ]);
        for (const frame of client.received) expect(serverMessageSchema.parse(frame)).toBeTruthy();
        if (!marker) expect((await client.closed).code).toBe(CloseCode.UNAUTHORIZED);
        await client.close();
      }),
      { numRuns: 60 },
    );
    const probe = await signIn(nodeB);
    expect(probe.user.userId).toBeTruthy();
  });

  it('closes idle unauthenticated sockets but never an authenticated idle one early', async () => {
    const { client } = await signIn(nodeA);
    const pending = await connect(nodeA);
    await expectUnauthorized(pending);
    client.send({ type: 'heartbeat' });
    client.send({ type: 'leave_room' });
    expect(await client.next()).toEqual({ type: 'heartbeat_ack' });
    expect(await client.next()).toMatchObject({ code: 'not_in_room' });
  });
});

describe('rooms', () => {
  it('joins across nodes: room_joined to the joiner, user_joined to the others', async () => {
    const room = await seedRoom(redis);
    const a = await joined(nodeA, room.id);
    const meeting = {
      hostId: room.hostId,
      locked: false,
      hands: [],
      resumeToken: expect.stringMatching(/^[\w-]{32}$/) as unknown,
      resumed: false,
    };
=======
// Rooms on two nodes sharing one Redis database, as in production behind nginx: joins, leaves,
// capacity and meetings ended, with the peers on different nodes unless the test says otherwise.
const suite = useSignalingSuite();
const { signIn, registerAccount, meetingHostedBy, joined, roomServiceLookups } = suite;

describe('rooms', () => {
  it('joins across nodes: room_joined to the joiner, user_joined to the others', async () => {
    const room = await seedRoom(suite.redis);
    const a = await joined(suite.nodeA, room.id);
    const meeting = { hostId: room.hostId, locked: false, hands: [] };
>>>>>>> main
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
<<<<<<< HEAD

describe('relay', () => {
  it('relays offers, answers and candidates across nodes in order, from the authenticated sender', async () => {
    const room = await seedRoom(redis);
    const a = await joined(nodeA, room.id);
    const b = await joined(nodeB, room.id);
    await a.client.take('user_joined');
    const sdp = `v=0\r\n${'a=x-filler\r\n'.repeat(340)}`; // ~4 KB, like a real offer
    const candidate = (i: number) => ({
      candidate: `candidate:${i} 1 udp 2122260223 127.0.0.1 ${50000 + i} typ host`,
      sdpMid: '0',
      sdpMLineIndex: 0,
    });

    // The existing peer offers to the newcomer, then trickles its candidates right behind.
    a.client.send({ type: 'offer', targetUserId: b.user.userId, sdp });
    for (let i = 0; i < 20; i += 1) {
      a.client.send({
        type: 'ice_candidate',
        targetUserId: b.user.userId,
        candidate: candidate(i),
      });
    }
    expect(await b.client.next()).toEqual({ type: 'offer', senderUserId: a.user.userId, sdp });
    for (let i = 0; i < 20; i += 1) {
      expect(await b.client.next()).toEqual({
        type: 'ice_candidate',
        senderUserId: a.user.userId,
        candidate: candidate(i),
      });
    }
    b.client.send({ type: 'answer', targetUserId: a.user.userId, sdp: 'v=0 answer' });
    b.client.send({ type: 'ice_candidate', targetUserId: a.user.userId, candidate: candidate(99) });
    expect(await a.client.next()).toEqual({
      type: 'answer',
      senderUserId: b.user.userId,
      sdp: 'v=0 answer',
    });
    expect(await a.client.next()).toMatchObject({
      type: 'ice_candidate',
      senderUserId: b.user.userId,
    });
  });

  it('relays between two clients on the same node too', async () => {
    const room = await seedRoom(redis);
    const a = await joined(nodeB, room.id);
    const b = await joined(nodeB, room.id);
    await a.client.take('user_joined');
    a.client.send({ type: 'offer', targetUserId: b.user.userId, sdp: 'v=0 local' });
    expect(await b.client.next()).toEqual({
      type: 'offer',
      senderUserId: a.user.userId,
      sdp: 'v=0 local',
    });
  });

  it('refuses targets outside the sender’s room and never delivers to them', async () => {
    const [roomOne, roomTwo] = await Promise.all([seedRoom(redis), seedRoom(redis)]);
    const a = await joined(nodeA, roomOne.id);
    const c = await joined(nodeB, roomTwo.id);
    const d = await joined(nodeB, roomTwo.id);
    await c.client.take('user_joined');

    for (const type of ['offer', 'answer'] as const) {
      a.client.send({ type, targetUserId: c.user.userId, sdp: 'v=0 intruder' });
      expect(await a.client.next()).toMatchObject({ type: 'error', code: 'peer_not_found' });
    }
    a.client.send({
      type: 'ice_candidate',
      targetUserId: c.user.userId,
      candidate: { candidate: 'candidate:1' },
    });
    expect(await a.client.next()).toMatchObject({ code: 'peer_not_found' });
    a.client.send({ type: 'offer', targetUserId: a.user.userId, sdp: 'v=0 self' });
    expect(await a.client.next()).toMatchObject({ code: 'peer_not_found' });

    // A marker on the same path: once c has it, anything a's frames could have caused is in.
    d.client.send({ type: 'offer', targetUserId: c.user.userId, sdp: 'v=0 marker' });
    await c.client.take('offer', (f) => f.sdp === 'v=0 marker');
    const relayed = c.client.received.filter((f) => f.type === 'offer' || f.type === 'answer');
    expect(relayed).toEqual([{ type: 'offer', senderUserId: d.user.userId, sdp: 'v=0 marker' }]);
    expect(c.client.received.some((f) => f.type === 'ice_candidate')).toBe(false);
  });
});

describe('operations', () => {
  it('serves /healthz, /readyz and Prometheus counters on /metrics', async () => {
    expect((await nodeA.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await nodeA.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { redis: 'up', registered: 'up' } });

    const metrics = await nodeA.app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    for (const series of [
      'signaling_connections{node="node-a"}',
      'signaling_rooms{node="node-a"}',
      'signaling_frames_in_total{type="auth",node="node-a"}',
      'signaling_frames_out_total{type="authenticated",node="node-a"}',
      'signaling_errors_total{code="room_full",node="node-a"}',
      'signaling_relay_latency_seconds_bucket{le="0.001",node="node-a",path="bus"}',
      'signaling_process_resident_memory_bytes',
    ]) {
      expect(metrics.body).toContain(series);
    }
  });

  it('clears, when it starts, the seats a previous run under its node id left', async () => {
    const room = await seedRoom(redis);
    const stayer = await joined(nodeA, room.id);
    // A seat of `node-e`'s previous run (killed before it could give it back), presence and all.
    const ghost = testUser(keys);
    await new RedisMembershipStore(redis, 30).join({
      roomId: room.id,
      userId: ghost.userId,
      connection: 'node-e:previous-run',
      displayName: ghost.displayName,
      domain: 'example.com',
      maxParticipants: room.maxParticipants,
      isHost: false,
      mode: 'join',
      tokenHash: 'ghost',
    });
    await stayer.client.take('user_joined', (f) => f.userId === ghost.userId);

    const node = await startNode(env('node-e'));
    try {
      expect(await stayer.client.take('user_left')).toEqual({
        type: 'user_left',
        userId: ghost.userId,
      });
      expect(await redis.hkeys(RedisKeys.roomMembers(room.id))).toEqual([stayer.user.userId]);
      expect(await redis.exists(RedisKeys.presence(room.id, ghost.userId))).toBe(0);
    } finally {
      await node.close();
    }
  });

  it('shuts down gracefully: refuses new sockets, closes clients with 1001, frees their seats', async () => {
    const node = await startNode(env('node-d'));
    const room = await seedRoom(redis);
    const stayer = await joined(nodeA, room.id);
    const leaver = await TestClient.authenticated(node.url, testUser(keys).token);
    leaver.send({ type: 'join_room', roomId: room.id });
    await leaver.take('room_joined');
    await stayer.client.take('user_joined');

    const closing = node.close();
    expect((await leaver.closed).code).toBe(CloseCode.GOING_AWAY);
    expect(await stayer.client.take('user_left')).toMatchObject({ type: 'user_left' });
    await closing;
    expect(await redis.hkeys(RedisKeys.roomMembers(room.id))).toEqual([stayer.user.userId]);
    expect(await redis.sismember(RedisKeys.signalingNodes(), 'node-d')).toBe(0);
    await expect(TestClient.connect(node.url)).rejects.toThrow();
  });
});
=======
>>>>>>> main
