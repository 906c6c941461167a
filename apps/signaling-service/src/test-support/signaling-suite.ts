import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { CloseCode, type Room } from '@qual-meet/protocol';
import { freePort } from '@qual-meet/local-servers';
import { runServices, serviceSpecs, type RunningServices } from '@qual-meet/stack';
import {
  claimRedisDatabase,
  closeRedis,
  createTestDatabase,
  generateTestKeyPair,
  liveView,
  SignalingTestClient,
  type TestDatabase,
  type TestRedisDatabase,
} from '@qual-meet/testing';
import { startNode, testUser, type TestNode, type TestUser } from './fixtures';

/** How long a socket may stay unauthenticated in these suites (5 s in production). */
export const AUTH_TIMEOUT_MS = 1_000;

interface Running {
  db: TestRedisDatabase;
  /** The suite's own client, as the admin: for arranging and asserting. */
  redis: Redis;
  postgres: TestDatabase;
  roomService: RunningServices;
  roomServiceUrl: string;
  nodeA: TestNode;
  nodeB: TestNode;
}

/** The error a refused socket gets, then its close with 4401. */
export async function expectUnauthorized(client: SignalingTestClient) {
  const error = await client.error('unauthorized');
  expect(error.message).toEqual(expect.any(String));
  expect((await client.closed).code).toBe(CloseCode.UNAUTHORIZED);
}

/**
 * The set-up of the signaling suites that cover everything a client can do: two nodes sharing one
 * Redis database, as in production behind nginx, and the real room-service (its own process, on a
 * database of the suite's own) for the cache-miss path. Clients opened through the handle are
 * closed after each test.
 */
export function useSignalingSuite() {
  const keys = generateTestKeyPair();
  const clients: SignalingTestClient[] = [];
  // Filled in as the set-up goes, so that a set-up failing half-way still tears down what it made.
  const running: Partial<Running> = {};
  const now = (): Running => {
    if (!running.nodeB) throw new Error('the signaling suite starts in beforeAll');
    return running as Running;
  };

  /** A node's environment, as the stack would give it. */
  const env = (nodeId: string, db = now().db, roomServiceUrl = now().roomServiceUrl) => ({
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
  });

  beforeAll(async () => {
    const db = (running.db = await claimRedisDatabase());
    running.redis = new Redis(db.url);
    const postgres = (running.postgres = await createTestDatabase());
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
    const roomService = (running.roomService = await runServices({
      specs: [spec],
      mode: 'source',
      logDir: mkdtempSync(join(tmpdir(), 'signaling-rooms-')),
    }));
    const roomServiceUrl = (running.roomServiceUrl = roomService.byName('room-service').url);
    [running.nodeA, running.nodeB] = await Promise.all([
      startNode(env('node-a', db, roomServiceUrl)),
      startNode(env('node-b', db, roomServiceUrl)),
    ]);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    await Promise.all([running.nodeA?.close(), running.nodeB?.close()]);
    await running.roomService?.stop();
    await running.postgres?.drop();
    if (running.redis) await closeRedis(running.redis);
    await running.db?.release();
  });

  /** An authenticated client of a fresh user (or of `user`). */
  async function signIn(node: TestNode, user: TestUser = testUser(keys)) {
    const client = await SignalingTestClient.authenticated(node.url, user.token);
    clients.push(client);
    return { client, user };
  }

  /** Gives `user` an account row, as signing up at auth-service would (meetings reference it). */
  async function registerAccount(user: TestUser): Promise<void> {
    await now().postgres
      .sql`INSERT INTO users (id, email, password_hash) VALUES (${user.userId}, ${user.email.toLowerCase()}, 'unused')`;
  }

  return Object.assign(
    liveView(now, ['db', 'redis', 'postgres', 'roomServiceUrl', 'nodeA', 'nodeB'] as const),
    {
      keys,
      env: (nodeId: string) => env(nodeId),
      /** A connected (not yet authenticated) client, closed after the test. */
      async connect(node: TestNode, path = ''): Promise<SignalingTestClient> {
        const client = await SignalingTestClient.connect(node.url + path);
        clients.push(client);
        return client;
      },
      signIn,
      registerAccount,
      /** A meeting `host` created through room-service's API (so it is also in the cache). */
      async meetingHostedBy(host: TestUser): Promise<Room> {
        await registerAccount(host);
        const response = await fetch(`${now().roomServiceUrl}/api/rooms`, {
          method: 'POST',
          headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(response.status).toBe(201);
        return (await response.json()) as Room;
      },
      /** Signs in and joins; resolves once `room_joined` arrived. */
      async joined(node: TestNode, roomId: string, user?: TestUser) {
        const member = await signIn(node, user);
        member.client.send({ type: 'join_room', roomId });
        const frame = await member.client.take('room_joined');
        return { ...member, frame };
      },
      /** How often `node` has asked room-service for a room, from its own /metrics. */
      async roomServiceLookups(node: TestNode): Promise<number> {
        const metrics = (await node.app.inject({ url: '/metrics' })).body;
        const line =
          /^signaling_room_lookups_total\{[^}]*source="room_service"[^}]*\} (\d+)$/m.exec(metrics);
        return Number(line?.[1] ?? 0);
      },
    },
  );
}
