import { randomUUID } from 'node:crypto';
import { iceServersResponseSchema } from '@qual-meet/protocol';
import {
  bearerFor,
  claimRedisDatabase,
  connectFailFastRedis,
  generateTestKeyPair,
  type TestRedisDatabase,
  testServers,
  tryAllocate,
  type TurnEndpoint,
  turnEndpointOf,
} from '@qual-meet/testing';
import { buildApp } from './app';
import { turnTestConfig } from './test-support/turn-fixtures';
import { turnPassword } from './turn-credentials';

// The harness's real coturn (use-auth-secret): the service is configured with its secret and its
// address, and coturn's own client checks what the service hands out.
const keys = generateTestKeyPair();
const coturn = testServers().coturn;
let redisDb: TestRedisDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  redisDb = await claimRedisDatabase();
  const address = `${coturn.host}:${coturn.port}`;
  app = await buildApp(
    turnTestConfig(redisDb.urlFor('turn-credential-service'), keys, {
      TURN_SECRET: coturn.secret,
      TURN_URLS: `turn:${address}?transport=udp,turn:${address}?transport=tcp`,
      STUN_URLS: `stun:${address}`,
    }),
    { redis: await connectFailFastRedis(redisDb.urlFor('turn-credential-service')) },
  );
});

afterAll(async () => {
  await app.close();
  await redisDb.release();
});

async function issue(userId = randomUUID()) {
  const response = await app.inject({
    url: '/api/ice-servers',
    headers: { authorization: bearerFor(keys, userId) },
  });
  expect(response.statusCode).toBe(200);
  const turn = iceServersResponseSchema.parse(response.json()).iceServers[1]!;
  return {
    userId,
    username: turn.username!,
    credential: turn.credential!,
    endpoints: turn.urls.map(turnEndpointOf),
  };
}

const udpOf = (endpoints: TurnEndpoint[]) => endpoints.find((e) => e.transport === 'udp')!;

it('issues credentials that allocate a relay on coturn over UDP and over TCP', async () => {
  const { username, credential, endpoints } = await issue();
  expect(endpoints.map((e) => e.transport).sort()).toEqual(['tcp', 'udp']);
  const attempts = await Promise.all(
    endpoints.map(async (endpoint) => ({
      transport: endpoint.transport,
      ...(await tryAllocate(endpoint, username, credential)),
    })),
  );
  for (const attempt of attempts) {
    expect(attempt).toMatchObject({ allocated: true, exitCode: 0 });
  }
});

it('is refused by coturn with a forged credential', async () => {
  const { username, endpoints } = await issue();
  const forged = turnPassword('not-the-coturn-secret-at-all', username);
  const attempt = await tryAllocate(udpOf(endpoints), username, forged);
  expect(attempt.allocated).toBe(false);
  expect(attempt.exitCode).not.toBe(0);
  expect(attempt.output).toMatch(/Cannot complete Allocation/);
});

it('is refused by coturn once expired, even when signed with the right secret', async () => {
  const { userId, endpoints } = await issue();
  const expiredUsername = `${Math.floor(Date.now() / 1000) - 60}:${userId}`;
  const attempt = await tryAllocate(
    udpOf(endpoints),
    expiredUsername,
    turnPassword(coturn.secret, expiredUsername),
  );
  expect(attempt.allocated).toBe(false);
  expect(attempt.output).toMatch(/Cannot complete Allocation/);
});

it("is refused when one user's credential is replayed under another user's name", async () => {
  const { username, credential, endpoints } = await issue();
  const [expiry] = username.split(':');
  const attempt = await tryAllocate(udpOf(endpoints), `${expiry}:${randomUUID()}`, credential);
  expect(attempt.allocated).toBe(false);
  expect(attempt.output).toMatch(/Cannot complete Allocation/);
});
