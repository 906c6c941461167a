import { Redis, type RedisOptions } from 'ioredis';
import {
  closeRedis,
  generateTestKeyPair,
  startDedicatedRedis,
  type TestRedis,
  SignalingTestClient,
} from '@qual-meet/testing';
import { startNode, testUser, type TestNode } from './fixtures';

/**
 * Two signaling nodes on a Redis of the suite's own (one it may halt, pause or restart), with
 * an admin client for assertions. Registers the suite's beforeAll/afterAll; read the fields
 * inside tests.
 */
export function useDedicatedRedisNodes(
  extraEnv: Record<string, string> = {},
  adminOptions: RedisOptions = {},
) {
  const keys = generateTestKeyPair();
  const suite = {
    keys,
    server: undefined as unknown as TestRedis,
    redis: undefined as unknown as Redis,
    nodes: [] as TestNode[],
    clients: [] as SignalingTestClient[],
    env: (nodeId: string): Record<string, string> => ({
      NODE_ID: nodeId,
      REDIS_URL: suite.server.urlFor('signaling-service'),
      JWT_PUBLIC_KEY: keys.publicKeyPem,
      ROOM_SERVICE_URL: 'http://127.0.0.1:9',
      LOG_LEVEL: 'silent',
      ...extraEnv,
    }),
    /** A new user's authenticated client on `node`, seated in `roomId`. */
    async joined(node: TestNode, roomId: string) {
      const user = testUser(keys);
      const client = await SignalingTestClient.authenticated(node.url, user.token);
      suite.clients.push(client);
      client.send({ type: 'join_room', roomId });
      await client.take('room_joined');
      return { client, user };
    },
  };

  beforeAll(async () => {
    suite.server = await startDedicatedRedis();
    suite.redis = new Redis(suite.server.url(0), adminOptions);
    suite.redis.on('error', () => undefined);
    suite.nodes = await Promise.all([
      startNode(suite.env('node-1')),
      startNode(suite.env('node-2')),
    ]);
  });

  afterAll(async () => {
    await Promise.all(suite.clients.map((client) => client.close()));
    await Promise.all(suite.nodes.map((node) => node.close()));
    if (suite.redis) await closeRedis(suite.redis);
    await suite.server?.stop();
  });

  return suite;
}
