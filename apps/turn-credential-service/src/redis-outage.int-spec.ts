import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Redis } from '@qual-meet/redis';
import {
  bearerFor,
  connectFailFastRedis,
  generateTestKeyPair,
  startDedicatedRedis,
  type TestRedis,
} from '@qual-meet/testing';
import { buildApp } from './app';
import { turnTestConfig } from './test-support/turn-fixtures';

// This suite stops its own Redis server, so it runs against a dedicated one.
const keys = generateTestKeyPair();
let server: TestRedis;
let appRedis: Redis;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  server = await startDedicatedRedis();
  const url = server.urlFor('turn-credential-service');
  appRedis = await connectFailFastRedis(url);
  app = await buildApp(turnTestConfig(url, keys), { redis: appRedis });
});

afterAll(async () => {
  await app.close();
  await server.stop();
});

const fetchIce = (userId: string) =>
  app.inject({
    url: '/api/ice-servers',
    headers: { authorization: bearerFor(keys, userId) },
  });

it('fails closed with a prompt 503 while Redis is down, and recovers', async () => {
  const userId = randomUUID();
  expect((await fetchIce(userId)).statusCode).toBe(200);

  await server.halt();
  const startedAt = Date.now();
  const refused = await fetchIce(userId);
  expect(Date.now() - startedAt).toBeLessThan(1_500);
  expect(refused.statusCode).toBe(503);
  expect(refused.json()).toEqual({
    statusCode: 503,
    code: 'SERVICE_UNAVAILABLE',
    error: 'Service Unavailable',
    message: expect.any(String),
  });
  expect(JSON.stringify(refused.json())).not.toMatch(/credential|username|redis|stream/i);
  const ready = await app.inject({ url: '/readyz' });
  expect(ready.statusCode).toBe(503);
  expect(ready.json()).toEqual({ status: 'unavailable', checks: { redis: 'down' } });

  const reconnected = once(appRedis, 'ready');
  await server.resume();
  await reconnected;
  expect((await fetchIce(userId)).statusCode).toBe(200);
  expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
});
