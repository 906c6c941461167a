import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ServerMessageOf } from '@qual-meet/protocol';
import {
  claimsFor,
  claimRedisDatabase,
  closeRedis,
  generateTestKeyPair,
  signTestToken,
  type TestKeyPair,
  type TestRedisDatabase,
  SignalingTestClient,
} from '@qual-meet/testing';
import { startNode, testUser, type TestNode, type TestUser } from './fixtures';

/** Two nodes on one Redis database, as behind nginx, and helpers for clients of them. */
export interface TwoNodes {
  keys: TestKeyPair;
  redis: Redis;
  db: TestRedisDatabase;
  a: TestNode;
  b: TestNode;
  /** A fresh user whose token lives `lifetimeMs` (15 minutes unless given). */
  user(lifetimeMs?: number): TestUser;
  /** Another token of `user`, living `lifetimeMs`. */
  tokenOf(user: TestUser, lifetimeMs?: number): string;
  /** A connected (not yet authenticated) client, closed after the test. */
  connect(node: TestNode): Promise<SignalingTestClient>;
  /** An authenticated client of `user` (a fresh one unless given). */
  signIn(node: TestNode, user?: TestUser): Promise<{ client: SignalingTestClient; user: TestUser }>;
  /** Signs in and joins; resolves once `room_joined` arrived. */
  joined(
    node: TestNode,
    roomId: string,
    user?: TestUser,
  ): Promise<{
    client: SignalingTestClient;
    user: TestUser;
    frame: ServerMessageOf<'room_joined'>;
  }>;
}

/**
 * Registers the jest hooks of a suite on two real nodes and real Redis; `env` adds to each
 * node's environment. Rooms come from the cache (`seedRoom`): room-service is not running, so
 * a lookup that misses the cache is a test failure, never a silent pass.
 */
export function useTwoNodes(env: Record<string, string> = {}): TwoNodes {
  const keys = generateTestKeyPair();
  const clients: SignalingTestClient[] = [];
  const fixture = { keys } as TwoNodes;

  const nodeEnv = (nodeId: string) => ({
    NODE_ID: nodeId,
    REDIS_URL: fixture.db.urlFor('signaling-service'),
    JWT_PUBLIC_KEY: keys.publicKeyPem,
    // Nothing listens on the discard port: a cache miss fails fast with 1013.
    ROOM_SERVICE_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'silent',
    ...env,
  });

  beforeAll(async () => {
    fixture.db = await claimRedisDatabase();
    fixture.redis = new Redis(fixture.db.url);
    const run = randomBytes(4).toString('hex');
    [fixture.a, fixture.b] = await Promise.all([
      startNode(nodeEnv(`${run}-a`)),
      startNode(nodeEnv(`${run}-b`)),
    ]);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    await Promise.all([fixture.a?.close(), fixture.b?.close()]);
    if (fixture.redis) await closeRedis(fixture.redis);
    await fixture.db?.release();
  });

  fixture.tokenOf = (user, lifetimeMs) =>
    signTestToken(keys, claimsFor(user.userId, user.email), { expiresInMs: lifetimeMs });
  fixture.user = (lifetimeMs) => {
    const user = testUser(keys);
    return lifetimeMs === undefined ? user : { ...user, token: fixture.tokenOf(user, lifetimeMs) };
  };
  fixture.connect = async (node) => {
    const client = await SignalingTestClient.connect(node.url);
    clients.push(client);
    return client;
  };
  fixture.signIn = async (node, user = fixture.user()) => {
    const client = await SignalingTestClient.authenticated(node.url, user.token);
    clients.push(client);
    return { client, user };
  };
  fixture.joined = async (node, roomId, user) => {
    const member = await fixture.signIn(node, user);
    member.client.send({ type: 'join_room', roomId });
    return { ...member, frame: await member.client.take('room_joined') };
  };
  return fixture;
}
