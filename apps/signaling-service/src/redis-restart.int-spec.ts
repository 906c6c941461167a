import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { CloseCode } from '@qual-meet/protocol';
import { RedisKeys } from '@qual-meet/redis';
import {
  closeRedis,
  eventually,
  generateTestKeyPair,
  startDedicatedRedis,
  type TestRedis,
} from '@qual-meet/testing';
import { seedRoom, startNode, testUser, type TestNode } from './test-support/fixtures';
import { TestClient } from './test-support/test-client';

// Redis restarted under a live call (a Redis of this suite's own, halted and resumed on the same
// port, empty afterwards as it keeps nothing on disk): nodes stay up, resubscribe, re-assert
// their members' seats, and relaying resumes without anyone rejoining.
const keys = generateTestKeyPair();
let server: TestRedis;
let redis: Redis;
let nodes: TestNode[] = [];
const clients: TestClient[] = [];

const env = (nodeId: string) => ({
  NODE_ID: nodeId,
  REDIS_URL: server.urlFor('signaling-service'),
  JWT_PUBLIC_KEY: keys.publicKeyPem,
  ROOM_SERVICE_URL: 'http://127.0.0.1:9',
  LOG_LEVEL: 'silent',
  NODE_TIMEOUT_MS: '1500',
});

beforeAll(async () => {
  server = await startDedicatedRedis();
  redis = new Redis(server.url(0), { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  nodes = await Promise.all([startNode(env('node-1')), startNode(env('node-2'))]);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(nodes.map((node) => node.close()));
  if (redis) await closeRedis(redis);
  await server?.stop();
});

async function joined(node: TestNode, roomId: string) {
  const user = testUser(keys);
  const client = await TestClient.authenticated(node.url, user.token);
  clients.push(client);
  client.send({ type: 'join_room', roomId });
  await client.take('room_joined');
  return { client, user };
}

const candidate = (n: number) => ({ candidate: `candidate:${n} 1 udp 1 127.0.0.1 9 typ host` });

it('resumes relaying after Redis restarts mid-call, without restarting nodes or rejoining', async () => {
  const [node1, node2] = nodes as [TestNode, TestNode];
  const room = await seedRoom(redis);
  const a = await joined(node1, room.id);
  const c = await joined(node1, room.id);
  const b = await joined(node2, room.id);
  await a.client.take('user_joined', (f) => f.userId === c.user.userId);
  await a.client.take('user_joined', (f) => f.userId === b.user.userId);
  await c.client.take('user_joined', (f) => f.userId === b.user.userId);
  a.client.send({ type: 'offer', targetUserId: b.user.userId, sdp: 'v=0 before' });
  expect(await b.client.take('offer')).toMatchObject({ sdp: 'v=0 before' });

  await server.halt();
  expect((await node1.app.inject({ url: '/readyz' })).statusCode).toBe(503);
  // Same-node relay needs no Redis and keeps working.
  a.client.send({ type: 'offer', targetUserId: c.user.userId, sdp: 'v=0 during' });
  expect(await c.client.take('offer')).toMatchObject({ sdp: 'v=0 during' });
  // A join cannot be decided without Redis: the client is told to come back (1013).
  const newcomer = await TestClient.authenticated(node2.url, testUser(keys).token);
  clients.push(newcomer);
  newcomer.send({ type: 'join_room', roomId: room.id });
  expect((await newcomer.closed).code).toBe(CloseCode.TRY_AGAIN_LATER);

  await server.resume();
  // Cross-node relay comes back once both nodes have reconnected and resubscribed. There is no
  // event for that, so probe with candidates until one arrives (bounded).
  let sent = 0;
  const probe = setInterval(() => {
    a.client.send({
      type: 'ice_candidate',
      targetUserId: b.user.userId,
      candidate: candidate(sent++),
    });
  }, 100);
  try {
    await b.client.take('ice_candidate', () => true, 15_000);
  } finally {
    clearInterval(probe);
  }
  // Order holds again: a burst arrives in sending order, behind any late probes.
  for (let i = 1_000; i < 1_010; i += 1) {
    a.client.send({ type: 'ice_candidate', targetUserId: b.user.userId, candidate: candidate(i) });
  }
  const burst: string[] = [];
  while (burst.length < 10) {
    const { candidate: received } = await b.client.take('ice_candidate');
    if (/^candidate:10\d\d /.test(received.candidate)) burst.push(received.candidate);
  }
  expect(burst).toEqual(Array.from({ length: 10 }, (_, i) => candidate(1_000 + i).candidate));
  b.client.send({ type: 'answer', targetUserId: a.user.userId, sdp: 'v=0 after' });
  expect(await a.client.take('answer')).toMatchObject({ sdp: 'v=0 after' });

  // Each node re-asserted its members' seats in the empty Redis.
  const members = await eventually(
    'the three seats are re-asserted',
    () => redis.hkeys(RedisKeys.roomMembers(room.id)),
    (keys) => keys.length === 3,
  );
  expect(members.sort()).toEqual([a.user.userId, b.user.userId, c.user.userId].sort());
  expect(await redis.exists(RedisKeys.presence(room.id, b.user.userId))).toBe(1);
  expect((await redis.smembers(RedisKeys.signalingNodes())).sort()).toEqual(['node-1', 'node-2']);
  expect((await node1.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  // Nobody was told anyone left.
  for (const member of [a, b, c]) {
    expect(member.client.received.filter((f) => f.type === 'user_left')).toEqual([]);
  }
  // And no hot path scanned the keyspace.
  const stats = await redis.info('commandstats');
  expect(stats).not.toMatch(/cmdstat_(keys|scan):/);
  expect(stats).toMatch(/cmdstat_(evalsha|eval):/);
});

it('starts while Redis is down: not ready, joins answered 1013, then registers and seats once it is back', async () => {
  await server.halt();
  const late = await startNode(env('node-late'));
  nodes.push(late);
  const notReady = await late.app.inject({ url: '/readyz' });
  expect(notReady.statusCode).toBe(503);
  expect(notReady.json().checks).toEqual({ redis: 'down', registered: 'down' });
  const early = await TestClient.authenticated(late.url, testUser(keys).token);
  clients.push(early);
  early.send({ type: 'join_room', roomId: randomUUID() });
  expect((await early.closed).code).toBe(CloseCode.TRY_AGAIN_LATER);

  await server.resume();
  await eventually(
    'the late node has registered',
    () => redis.smembers(RedisKeys.signalingNodes()),
    (registered) => registered.includes('node-late'),
  );
  await eventually(
    'the late node is ready',
    async () => (await late.app.inject({ url: '/readyz' })).statusCode,
    (status) => status === 200,
  );
  const room = await seedRoom(redis);
  const member = await joined(late, room.id);
  expect(await redis.hkeys(RedisKeys.roomMembers(room.id))).toEqual([member.user.userId]);
});
