import { createHmac, randomUUID } from 'node:crypto';
import { iceServersResponseSchema } from '@qual-meet/protocol';
import { RedisKeys, type Redis } from '@qual-meet/redis';
import {
  claimsFor,
  closeRedis,
  badAuthorizationHeaders,
  bearerFor,
  claimRedisDatabase,
  connectFailFastRedis,
  generateTestKeyPair,
  signTestToken,
  type TestRedisDatabase,
  unauthorizedBody,
} from '@qual-meet/testing';
import { buildApp } from './app';
import { TEST_TURN_SECRET, turnTestConfig } from './test-support/turn-fixtures';

const keys = generateTestKeyPair();
let redisDb: TestRedisDatabase;
/** The suite's own client, for arranging and asserting the counters. */
let redis: Redis;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  redisDb = await claimRedisDatabase();
  redis = await connectFailFastRedis(redisDb.url);
  app = await buildApp(turnTestConfig(redisDb.urlFor('turn-credential-service'), keys), {
    redis: await connectFailFastRedis(redisDb.urlFor('turn-credential-service')),
  });
});

afterAll(async () => {
  await app.close();
  await closeRedis(redis);
  await redisDb.release();
});

const PATHS = ['/api/ice-servers', '/api/ice/servers'];
const fetchIce = (userId: string, url = PATHS[0]!) =>
  app.inject({ url, headers: { authorization: bearerFor(keys, userId) } });

describe('bearer token', () => {
  it('refuses a missing, forged, tampered, expired or unsigned token with the same 401', async () => {
    const userId = randomUUID();
    const claims = claimsFor(userId, 'x@example.com');
    const valid = signTestToken(keys, claims);
    const cases = badAuthorizationHeaders(keys, claims, valid);
    for (const url of PATHS) {
      for (const [name, authorization] of Object.entries(cases)) {
        const response = await app.inject({ url, headers: authorization ? { authorization } : {} });
        expect({ url, name, status: response.statusCode, body: response.json() }).toEqual({
          url,
          name,
          status: 401,
          body: unauthorizedBody(),
        });
      }
    }
    // Refused callers are not counted: the limit belongs to authenticated users.
    expect(await redis.exists(RedisKeys.iceIssuance(userId))).toBe(0);
  });
});

describe('GET /api/ice-servers (and /api/ice/servers)', () => {
  it.each(PATHS)('issues coturn REST credentials for the caller at %s', async (url) => {
    const userId = randomUUID();
    const before = Math.floor(Date.now() / 1000);
    const response = await fetchIce(userId, url);
    const after = Math.floor(Date.now() / 1000);

    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = iceServersResponseSchema.parse(response.json());
    expect(body).toEqual({
      iceServers: [
        { urls: ['stun:127.0.0.1:3478'] },
        {
          urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'],
          username: expect.stringMatching(new RegExp(`^\\d+:${userId}$`)),
          credential: expect.any(String),
        },
      ],
      ttl: 3600,
    });
    const { username, credential } = body.iceServers[1]!;
    const expiry = Number(username!.split(':')[0]);
    expect(expiry).toBeGreaterThanOrEqual(before + 3600);
    expect(expiry).toBeLessThanOrEqual(after + 3600);
    expect(credential).toBe(
      createHmac('sha1', TEST_TURN_SECRET).update(username!).digest('base64'),
    );
  });

  it('lists turns: URLs with the TURN entry when configured, and honours a shorter ttl', async () => {
    const tlsApp = await buildApp(
      turnTestConfig(redisDb.urlFor('turn-credential-service'), keys, {
        TURN_URLS: 'turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349',
        STUN_URLS: 'stun:turn.example.com:3478',
        TURN_TTL_SECONDS: '600',
      }),
      { redis: await connectFailFastRedis(redisDb.urlFor('turn-credential-service')) },
    );
    try {
      const response = await tlsApp.inject({
        url: '/api/ice-servers',
        headers: { authorization: bearerFor(keys, randomUUID()) },
      });
      const body = response.json();
      expect(body.ttl).toBe(600);
      expect(body.iceServers[1].urls).toEqual([
        'turn:turn.example.com:3478?transport=udp',
        'turns:turn.example.com:5349',
      ]);
      const expiry = Number(body.iceServers[1].username.split(':')[0]);
      expect(Math.abs(expiry - (Date.now() / 1000 + 600))).toBeLessThan(5);
    } finally {
      await tlsApp.close();
    }
  });

  it('answers unknown paths under /api/ice with a 404 JSON error', async () => {
    const response = await fetchIce(randomUUID(), '/api/ice/credentials');
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('NOT_FOUND');
  });
});

describe('per-user issuance limit', () => {
  it('allows 10 a minute, then answers 429 RATE_LIMITED with the seconds left as Retry-After', async () => {
    const userId = randomUUID();
    for (let i = 1; i <= 10; i++) {
      const path = PATHS[i % 2]!; // both paths share one counter
      expect((await fetchIce(userId, path)).statusCode).toBe(200);
    }
    const key = RedisKeys.iceIssuance(userId);
    const windowLeftMs = await redis.pttl(key);
    expect(windowLeftMs).toBeGreaterThan(0);
    expect(windowLeftMs).toBeLessThanOrEqual(60_000);

    const refused = await fetchIce(userId);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({
      statusCode: 429,
      code: 'RATE_LIMITED',
      error: 'Too Many Requests',
      message: expect.any(String),
    });
    expect(JSON.stringify(refused.json())).not.toMatch(/credential|username/);
    const retryAfter = Number(refused.headers['retry-after']);
    const leftAfterMs = await redis.pttl(key);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(Math.ceil(leftAfterMs / 1000));
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(windowLeftMs / 1000));
    // Refusals neither extend the window nor stop being refused within it.
    expect(leftAfterMs).toBeLessThanOrEqual(windowLeftMs);
    expect((await fetchIce(userId, PATHS[1])).statusCode).toBe(429);

    // Someone else is not affected.
    expect((await fetchIce(randomUUID())).statusCode).toBe(200);

    // When the window ends (an expiry in the past ends it now), issuance starts over.
    await redis.pexpireat(key, Date.now() - 1_000);
    expect((await fetchIce(userId)).statusCode).toBe(200);
    expect(await redis.get(key)).toBe('1');
  });

  it('counts concurrent requests atomically: exactly 10 of 25 get credentials', async () => {
    const userId = randomUUID();
    const responses = await Promise.all(Array.from({ length: 25 }, () => fetchIce(userId)));
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    expect(await redis.get(RedisKeys.iceIssuance(userId))).toBe('25');
    expect(await redis.pttl(RedisKeys.iceIssuance(userId))).toBeGreaterThan(0);
  });

  it('takes its limit from ICE_RATE_LIMIT_PER_MINUTE', async () => {
    const strict = await buildApp(
      turnTestConfig(redisDb.urlFor('turn-credential-service'), keys, {
        ICE_RATE_LIMIT_PER_MINUTE: '2',
      }),
      { redis: await connectFailFastRedis(redisDb.urlFor('turn-credential-service')) },
    );
    try {
      const headers = { authorization: bearerFor(keys, randomUUID()) };
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        statuses.push((await strict.inject({ url: '/api/ice-servers', headers })).statusCode);
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await strict.close();
    }
  });

  it('heals a counter that lost its expiry instead of locking the user out for good', async () => {
    const userId = randomUUID();
    await redis.set(RedisKeys.iceIssuance(userId), '50');
    const refused = await fetchIce(userId);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBe(60);
    expect(await redis.pttl(RedisKeys.iceIssuance(userId))).toBeGreaterThan(0);
  });
});

describe('operations', () => {
  it('serves /healthz and /readyz with Redis up', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { redis: 'up' } });
  });

  it('serves Prometheus metrics, request durations by route included', async () => {
    await fetchIce(randomUUID());
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/api\/ice-servers"/,
    );
  });
});
