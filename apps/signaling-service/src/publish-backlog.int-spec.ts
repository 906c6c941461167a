import { Redis } from 'ioredis';
import {
  closeRedis,
  generateTestKeyPair,
  startDedicatedRedis,
  type TestRedis,
} from '@qual-meet/testing';
import { seedRoom, startNode, testUser, type TestNode } from './test-support/fixtures';
import { TestClient } from './test-support/test-client';

// Relays published to Redis are bounded (DESIGN §4.11): while Redis does not answer (here a
// Redis of this suite's own, its writes paused with CLIENT PAUSE), a node refuses relays past
// PUBLISH_PENDING_LIMIT_BYTES with rate_limited instead of queueing them without end.
const PENDING_LIMIT = 64 * 1024;
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
  PUBLISH_PENDING_LIMIT_BYTES: String(PENDING_LIMIT),
});

beforeAll(async () => {
  server = await startDedicatedRedis();
  redis = new Redis(server.url(0));
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

it('refuses relays past the pending-publish limit while Redis does not answer, then recovers', async () => {
  const [one, two] = nodes as [TestNode, TestNode];
  const room = await seedRoom(redis);
  const sender = await joined(one, room.id);
  const target = await joined(two, room.id);
  await sender.client.take('user_joined');

  await redis.call('CLIENT', 'PAUSE', '60000', 'WRITE');
  const sdp = (n: number) => `v=0 ${n} ${'a'.repeat(10 * 1024)}`;
  // Answers are not limited per target; 20 of 10 KB are well within the sender's byte budget.
  for (let i = 0; i < 20; i += 1) {
    sender.client.send({ type: 'answer', targetUserId: target.user.userId, sdp: sdp(i) });
  }
  const refused = await sender.client.error('rate_limited');
  expect(refused.message).toBe('Signaling is busy: try again');
  await redis.call('CLIENT', 'UNPAUSE');

  // What was accepted arrives, in order; nothing past the limit does.
  sender.client.send({ type: 'answer', targetUserId: target.user.userId, sdp: 'v=0 after' });
  const delivered: string[] = [];
  for (;;) {
    const { sdp: received } = await target.client.take('answer');
    if (received === 'v=0 after') break;
    delivered.push(received.split(' ', 2)[1]!);
  }
  expect(delivered.length).toBeGreaterThan(0);
  expect(delivered.length).toBeLessThan(20);
  expect(delivered).toEqual(delivered.map((_, i) => String(i)));
  expect(sender.client.socket.readyState).toBe(sender.client.socket.OPEN);
});
