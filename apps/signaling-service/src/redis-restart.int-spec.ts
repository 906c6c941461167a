import { randomUUID } from 'node:crypto';
import { CloseCode } from '@qual-meet/protocol';
import { RedisKeys } from '@qual-meet/redis';
import { eventually, SignalingTestClient } from '@qual-meet/testing';
import { useDedicatedRedisNodes } from './test-support/dedicated-redis-nodes';
import { seedRoom, startNode, testUser, type TestNode } from './test-support/fixtures';

// Redis restarted under a live call (a Redis of this suite's own, halted and resumed on the same
// port, empty afterwards as it keeps nothing on disk): nodes stay up, resubscribe, re-assert
// their members' seats, and relaying resumes without anyone rejoining.
const suite = useDedicatedRedisNodes({ NODE_TIMEOUT_MS: '1500' }, { maxRetriesPerRequest: 1 });

const candidate = (n: number) => ({ candidate: `candidate:${n} 1 udp 1 127.0.0.1 9 typ host` });

it('resumes relaying after Redis restarts mid-call, without restarting suite.nodes or rejoining', async () => {
  const [node1, node2] = suite.nodes as [TestNode, TestNode];
  const room = await seedRoom(suite.redis);
  const a = await suite.joined(node1, room.id);
  const c = await suite.joined(node1, room.id);
  const b = await suite.joined(node2, room.id);
  await a.client.take('user_joined', (f) => f.userId === c.user.userId);
  await a.client.take('user_joined', (f) => f.userId === b.user.userId);
  await c.client.take('user_joined', (f) => f.userId === b.user.userId);
  a.client.send({ type: 'offer', targetUserId: b.user.userId, sdp: 'v=0 before' });
  expect(await b.client.take('offer')).toMatchObject({ sdp: 'v=0 before' });

  await suite.server.halt();
  expect((await node1.app.inject({ url: '/readyz' })).statusCode).toBe(503);
  // Same-node relay needs no Redis and keeps working.
  a.client.send({ type: 'offer', targetUserId: c.user.userId, sdp: 'v=0 during' });
  expect(await c.client.take('offer')).toMatchObject({ sdp: 'v=0 during' });
  // A join cannot be decided without Redis: the client is told to come back (1013).
  const newcomer = await SignalingTestClient.authenticated(node2.url, testUser(suite.keys).token);
  suite.clients.push(newcomer);
  newcomer.send({ type: 'join_room', roomId: room.id });
  expect((await newcomer.closed).code).toBe(CloseCode.TRY_AGAIN_LATER);

  await suite.server.resume();
  // Cross-node relay comes back once both suite.nodes have reconnected and resubscribed. There is no
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
    () => suite.redis.hkeys(RedisKeys.roomMembers(room.id)),
    (keys) => keys.length === 3,
  );
  expect(members.sort()).toEqual([a.user.userId, b.user.userId, c.user.userId].sort());
  expect(await suite.redis.exists(RedisKeys.presence(room.id, b.user.userId))).toBe(1);
  expect((await suite.redis.smembers(RedisKeys.signalingNodes())).sort()).toEqual([
    'node-1',
    'node-2',
  ]);
  expect((await node1.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  // Nobody was told anyone left.
  for (const member of [a, b, c]) {
    expect(member.client.received.filter((f) => f.type === 'user_left')).toEqual([]);
  }
  // And no hot path scanned the keyspace.
  const stats = await suite.redis.info('commandstats');
  expect(stats).not.toMatch(/cmdstat_(keys|scan):/);
  expect(stats).toMatch(/cmdstat_(evalsha|eval):/);
});

it('starts while Redis is down: not ready, joins answered 1013, then registers and seats once it is back', async () => {
  await suite.server.halt();
  const late = await startNode(suite.env('node-late'));
  suite.nodes.push(late);
  const notReady = await late.app.inject({ url: '/readyz' });
  expect(notReady.statusCode).toBe(503);
  expect(notReady.json().checks).toEqual({ redis: 'down', registered: 'down' });
  const early = await SignalingTestClient.authenticated(late.url, testUser(suite.keys).token);
  suite.clients.push(early);
  early.send({ type: 'join_room', roomId: randomUUID() });
  expect((await early.closed).code).toBe(CloseCode.TRY_AGAIN_LATER);

  await suite.server.resume();
  await eventually(
    'the late node has registered',
    () => suite.redis.smembers(RedisKeys.signalingNodes()),
    (registered) => registered.includes('node-late'),
  );
  await eventually(
    'the late node is ready',
    async () => (await late.app.inject({ url: '/readyz' })).statusCode,
    (status) => status === 200,
  );
  const room = await seedRoom(suite.redis);
  const member = await suite.joined(late, room.id);
  expect(await suite.redis.hkeys(RedisKeys.roomMembers(room.id))).toEqual([member.user.userId]);
});
