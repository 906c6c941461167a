import { once } from 'node:events';
import { startDedicatedRedis, type TestRedis } from '@qual-meet/testing';
import { startGatewayUnderTest, type GatewayUnderTest } from './test-support/gateway-under-test';

// This suite stops Redis, so the gateway gets a Redis server of its own.
let redis: TestRedis;
let gateway: GatewayUnderTest;
let app: GatewayUnderTest['app'];

beforeAll(async () => {
  redis = await startDedicatedRedis();
  gateway = await startGatewayUnderTest({
    upstreams: ['auth-service'],
    redis,
    gatewayEnv: {
      LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: '2',
      SIGNUPS_PER_IP_PER_HOUR: '2',
      RATE_LIMIT_USER_PER_MINUTE: '3',
    },
  });
  app = gateway.app;
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await redis?.stop();
});

const password = 'correct horse battery';
const signup = (email: string, remoteAddress = '10.1.0.1') =>
  app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email, password },
    remoteAddress,
  });
const login = (email: string, remoteAddress = '10.1.0.1') =>
  app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
    remoteAddress,
  });

it('limits signups and logins per IP, independently for each IP', async () => {
  expect((await signup('ip1@example.com')).statusCode).toBe(201);
  expect((await signup('ip2@example.com')).statusCode).toBe(201);
  const third = await signup('ip3@example.com');
  expect(third.statusCode).toBe(429);
  expect(third.headers['retry-after']).toBeDefined();
  expect((await signup('ip3@example.com', '10.1.0.2')).statusCode).toBe(201);

  expect((await login('ip1@example.com', '10.2.0.1')).statusCode).toBe(200);
  expect((await login('ip1@example.com', '10.2.0.1')).statusCode).toBe(200);
  expect((await login('ip1@example.com', '10.2.0.1')).statusCode).toBe(429);
});

it('fails closed on login and signup while Redis is down, open elsewhere but still limited, and recovers', async () => {
  const session = (await login('ip2@example.com', '10.3.0.1')).json() as { accessToken: string };
  await redis.halt();
  try {
    const refused = await login('ip2@example.com', '10.3.0.2');
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect((await signup('during@example.com', '10.3.0.3')).statusCode).toBe(503);
    // Other calls go on, and the per-user limit (3 a minute here) is kept by this instance alone.
    const me = () =>
      app.inject({
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${session.accessToken}` },
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await me()).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(503);
  } finally {
    await redis.resume();
  }
  if (app.redis.status !== 'ready') await once(app.redis, 'ready');
  expect((await login('ip2@example.com', '10.3.0.4')).statusCode).toBe(200);
});
