import type { Redis } from 'ioredis';
import { once } from 'node:events';
import { RedisKeys } from '@qual-meet/redis';
import {
  closeRedis,
  claimRedisDatabase,
  connectFailFastRedis,
  eventually,
  startDedicatedRedis,
  type TestRedis,
  type TestRedisDatabase,
} from '@qual-meet/testing';
import { SharedWindowLimiter } from './shared-window-limiter';

const WINDOW_MS = 60_000;
// Under the gateway's own prefix: the suite runs as the gateway's Redis user.
const PREFIX = `${RedisKeys.rateLimitPrefix('gateway')}test:`;
// Long enough that no timer sync happens during a test: every sync below is an explicit flush.
const SYNC_INTERVAL_MS = 60_000;

const limiterOn = (redis: Redis, maxLocalKeys?: number, syncIntervalMs = SYNC_INTERVAL_MS) =>
  new SharedWindowLimiter(redis, {
    prefix: PREFIX,
    windowMs: WINDOW_MS,
    syncIntervalMs,
    maxLocalKeys,
  });

async function allowedOf(limiter: SharedWindowLimiter, key: string, max: number, hits: number) {
  const verdicts = [];
  for (let i = 0; i < hits; i++) verdicts.push((await limiter.hit(key, max)).allowed);
  return verdicts;
}

describe('on a shared Redis', () => {
  let db: TestRedisDatabase;
  let redisA: Redis;
  let redisB: Redis;
  let a: SharedWindowLimiter;
  let b: SharedWindowLimiter;

  beforeAll(async () => {
    db = await claimRedisDatabase();
    redisA = await connectFailFastRedis(db.urlFor('api-gateway'));
    redisB = await connectFailFastRedis(db.urlFor('api-gateway'));
  });

  beforeEach(() => {
    a = limiterOn(redisA);
    b = limiterOn(redisB);
  });

  afterEach(async () => {
    await a.close();
    await b.close();
  });

  afterAll(async () => {
    await Promise.all([closeRedis(redisA), closeRedis(redisB)]);
    await db.release();
  });

  it('admits exactly max hits per window on one instance, then says when to retry', async () => {
    expect(await allowedOf(a, 'one', 5, 6)).toEqual([true, true, true, true, true, false]);
    const refused = await a.hit('one', 5);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(WINDOW_MS / 1000);
    expect(await allowedOf(a, 'another', 5, 1)).toEqual([true]);
  });

  it('counts every hit in Redis, under a key that expires with the window', async () => {
    await allowedOf(a, 'counted', 100, 7);
    await a.flush();
    expect(await redisA.get(`${PREFIX}counted`)).toBe('7');
    const ttl = await redisA.pttl(`${PREFIX}counted`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WINDOW_MS);
  });

  it("starts each instance's window from every instance's count", async () => {
    expect(await allowedOf(a, 'shared', 5, 3)).toEqual([true, true, true]);
    await a.flush();
    expect(await allowedOf(b, 'shared', 5, 3)).toEqual([true, true, false]);
  });

  it("learns the other instances' hits when it next syncs its own", async () => {
    expect(await allowedOf(a, 'synced', 5, 1)).toEqual([true]);
    expect(await allowedOf(b, 'synced', 5, 4)).toEqual([true, true, true, true]);
    await b.flush();
    // The documented slack: until its next sync, `a` decides on what it knew (1 of 5 used).
    expect(await allowedOf(a, 'synced', 5, 1)).toEqual([true]);
    await a.flush();
    expect(await allowedOf(a, 'synced', 5, 1)).toEqual([false]);
    expect(await redisA.get(`${PREFIX}synced`)).toBe('6');
  });

  it('sends its hits on its own, every sync interval, with nobody flushing', async () => {
    const timed = limiterOn(redisA, undefined, 20);
    try {
      await allowedOf(timed, 'timed', 100, 4);
      await eventually(
        'the timer sync reached Redis',
        () => redisA.get(`${PREFIX}timed`),
        (count) => count === '4',
      );
      await allowedOf(timed, 'timed', 100, 2);
      await eventually(
        'the next sync reached Redis',
        () => redisA.get(`${PREFIX}timed`),
        (count) => count === '6',
      );
    } finally {
      await timed.close();
    }
  });
});

describe('with more callers than it keeps locally', () => {
  let db: TestRedisDatabase;
  let redis: Redis;

  beforeAll(async () => {
    db = await claimRedisDatabase();
    redis = await connectFailFastRedis(db.urlFor('api-gateway'));
  });

  afterAll(async () => {
    await closeRedis(redis);
    await db.release();
  });

  it('counts the callers beyond its local capacity straight in Redis, as exactly', async () => {
    const limiter = limiterOn(redis, 2);
    try {
      expect(await allowedOf(limiter, 'local-a', 2, 3)).toEqual([true, true, false]);
      expect(await allowedOf(limiter, 'local-b', 2, 1)).toEqual([true]);
      expect(await allowedOf(limiter, 'overflow', 2, 3)).toEqual([true, true, false]);
      // Local keys reach Redis at the next sync (only their first hit is there yet)…
      expect(await redis.get(`${PREFIX}local-a`)).toBe('1');
      // …the overflow key was counted there hit by hit.
      expect(await redis.get(`${PREFIX}overflow`)).toBe('3');
    } finally {
      await limiter.close();
    }
    expect(await redis.get(`${PREFIX}local-a`)).toBe('3');
  });
});

describe('while Redis is down', () => {
  let redis: TestRedis;
  let client: Redis;
  let limiter: SharedWindowLimiter;

  beforeAll(async () => {
    redis = await startDedicatedRedis();
    client = await connectFailFastRedis(redis.urlFor('api-gateway'));
    limiter = limiterOn(client);
  });

  afterAll(async () => {
    await limiter.close();
    await closeRedis(client);
    await redis.stop();
  });

  it('still limits on its own count, and hands that count to Redis when it is back', async () => {
    await redis.halt();
    try {
      expect(await allowedOf(limiter, 'offline', 3, 4)).toEqual([true, true, true, false]);
    } finally {
      await redis.resume();
    }
    if (client.status !== 'ready') await once(client, 'ready');
    await limiter.flush();
    expect(await client.get(`${PREFIX}offline`)).toBe('4');
  });

  it('refuses callers beyond its local capacity when Redis cannot count them either', async () => {
    const small = limiterOn(client, 1);
    await redis.halt();
    try {
      expect(await allowedOf(small, 'kept', 3, 1)).toEqual([true]);
      expect(await allowedOf(small, 'beyond', 3, 1)).toEqual([false]);
    } finally {
      await redis.resume();
      if (client.status !== 'ready') await once(client, 'ready');
      await small.close();
    }
  });
});
