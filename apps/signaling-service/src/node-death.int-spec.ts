import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  freePort,
  isTcpOpen,
  startProcess,
  waitUntilReady,
  workspaceRoot,
  type ManagedProcess,
} from '@qual-meet/local-servers';
import { CloseCode } from '@qual-meet/protocol';
import { RedisKeys } from '@qual-meet/redis';
import {
  closeRedis,
  claimRedisDatabase,
  eventually,
  generateTestKeyPair,
  type TestRedisDatabase,
  SignalingTestClient,
} from '@qual-meet/testing';
import { seedRoom, startNode, testUser, type TestNode } from './test-support/fixtures';

// A node that dies without a word (SIGKILL): its members must be announced as left by the
// surviving nodes and stop taking seats. And one that is told to stop (SIGTERM): it says so.
// The node timeout is shortened from 15 s to 1.5 s so the suite is quick; the mechanism (liveness key lapses → a peer node sweeps) is the same.
const NODE_TIMEOUT_MS = 1_500;
const keys = generateTestKeyPair();
let db: TestRedisDatabase;
let redis: Redis;
let survivor: TestNode;
/** Node processes this suite started, killed at the end whatever happened. */
const doomed: ManagedProcess[] = [];
const logDir = mkdtempSync(join(tmpdir(), 'node-death-'));
const clients: SignalingTestClient[] = [];

const env = (nodeId: string) => ({
  NODE_ID: nodeId,
  REDIS_URL: db.urlFor('signaling-service'),
  JWT_PUBLIC_KEY: keys.publicKeyPem,
  // Rooms are seeded in Redis: room-service is never asked here.
  ROOM_SERVICE_URL: 'http://127.0.0.1:9',
  NODE_TIMEOUT_MS: String(NODE_TIMEOUT_MS),
});

/** Runs `main.ts` as its own process, as in production; resolves once it accepts connections. */
async function startNodeProcess(nodeId: string): Promise<{ node: ManagedProcess; url: string }> {
  const port = await freePort();
  const node = startProcess({
    name: nodeId,
    command: process.execPath,
    args: ['--import', 'tsx', 'apps/signaling-service/src/main.ts'],
    cwd: workspaceRoot(),
    env: {
      PATH: process.env.PATH ?? '',
      TSX_TSCONFIG_PATH: 'tools/tsconfig.json',
      ...env(nodeId),
      PORT: String(port),
      LOG_LEVEL: 'info',
    },
    logFile: join(logDir, `${nodeId}.log`),
  });
  doomed.push(node);
  await waitUntilReady(node, () => isTcpOpen(port));
  return { node, url: `ws://127.0.0.1:${port}/ws` };
}

beforeAll(async () => {
  db = await claimRedisDatabase();
  redis = new Redis(db.url);
  survivor = await startNode({ ...env('node-survivor'), LOG_LEVEL: 'silent' });
});

afterAll(async () => {
  await Promise.all(doomed.map((node) => node.stop('SIGKILL')));
  rmSync(logDir, { recursive: true, force: true });
  await Promise.all(clients.map((client) => client.close()));
  await survivor?.close();
  if (redis) await closeRedis(redis);
  await db?.release();
});

async function joined(url: string, roomId: string, user = testUser(keys)) {
  const client = await SignalingTestClient.authenticated(url, user.token);
  clients.push(client);
  client.send({ type: 'join_room', roomId });
  const frame = await client.take('room_joined');
  return { client, user, frame };
}

it('announces the members of a SIGKILLed node as left within the timeout and frees their seats', async () => {
  const started = await startNodeProcess('node-doomed');
  const room = await seedRoom(redis, { maxParticipants: 2 });
  const stayer = await joined(survivor.url, room.id);
  const victim = await joined(started.url, room.id);
  await stayer.client.take('user_joined');
  expect(await redis.smembers(RedisKeys.nodeRooms('node-doomed'))).toEqual([room.id]);

  const killedAt = Date.now();
  started.node.child.kill('SIGKILL');
  await started.node.exited;
  expect((await victim.client.closed).code).toBe(1006);

  // The room is full until the sweep: the dead member still holds its seat.
  const left = await stayer.client.take('user_left', () => true, 30_000);
  const detectedAfter = Date.now() - killedAt;
  expect(left).toEqual({ type: 'user_left', userId: victim.user.userId });
  expect(detectedAfter).toBeLessThan((NODE_TIMEOUT_MS * 4) / 3 + 1_500);
  expect(await redis.hkeys(RedisKeys.roomMembers(room.id))).toEqual([stayer.user.userId]);
  expect(await redis.exists(RedisKeys.presence(room.id, victim.user.userId))).toBe(0);
  expect(await redis.sismember(RedisKeys.signalingNodes(), 'node-doomed')).toBe(0);
  expect(await redis.exists(RedisKeys.nodeRooms('node-doomed'))).toBe(0);

  // Its user reconnects to the surviving node and takes the freed seat of the room of two.
  const back = await joined(survivor.url, room.id, victim.user);
  expect(back.frame.existingPeers).toEqual([stayer.user.userId]);
  expect(await stayer.client.take('user_joined')).toMatchObject({ userId: victim.user.userId });
});

it('on SIGTERM closes its sockets with 1001, announces its members as left and cleans up', async () => {
  const started = await startNodeProcess('node-stopping');
  const room = await seedRoom(redis);
  const stayer = await joined(survivor.url, room.id);
  const leaver = await joined(started.url, room.id);
  await stayer.client.take('user_joined');

  started.node.child.kill('SIGTERM');
  expect((await leaver.client.closed).code).toBe(CloseCode.GOING_AWAY);
  expect(await started.node.exited).toBe(0);

  // Told at once by the node itself, not after the liveness timeout by a sweeper.
  expect(await stayer.client.take('user_left', () => true, NODE_TIMEOUT_MS / 2)).toEqual({
    type: 'user_left',
    userId: leaver.user.userId,
  });
  expect(await redis.hkeys(RedisKeys.roomMembers(room.id))).toEqual([stayer.user.userId]);
  expect(await redis.exists(RedisKeys.presence(room.id, leaver.user.userId))).toBe(0);
  expect(await redis.exists(RedisKeys.nodeRooms('node-stopping'))).toBe(0);
});

it('stops counting a dead node’s sockets toward the per-user limit (8 across nodes)', async () => {
  const started = await startNodeProcess('node-crowded');
  const user = testUser(keys);
  const signIn = async (url: string) => {
    const client = await SignalingTestClient.authenticated(url, user.token);
    clients.push(client);
    return client;
  };
  for (let i = 0; i < 4; i += 1) await signIn(started.url);
  for (let i = 0; i < 4; i += 1) await signIn(survivor.url);
  const ninth = await SignalingTestClient.connect(survivor.url);
  clients.push(ninth);
  ninth.send({ type: 'auth', token: user.token });
  expect(await ninth.error('rate_limited')).toMatchObject({ code: 'rate_limited' });
  expect((await ninth.closed).code).toBe(CloseCode.RATE_LIMITED);

  started.node.child.kill('SIGKILL');
  await started.node.exited;
  // Once its liveness key lapses, the dead node's four no longer count: four more fit.
  await eventually(
    'a socket beyond the limit is accepted',
    () => signIn(survivor.url).then(() => true),
    Boolean,
    NODE_TIMEOUT_MS * 4,
  );
  for (let i = 0; i < 3; i += 1) await signIn(survivor.url);
  await expect(signIn(survivor.url)).rejects.toThrow('4429');
});
