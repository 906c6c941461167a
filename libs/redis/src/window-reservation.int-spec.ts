import { claimRedisDatabase, type TestRedisDatabase } from '@qual-meet/testing';
import { closeRedis, createRedis, type Redis } from './client';
import { releaseFromWindow, reserveInWindows } from './window-reservation';

let redisDb: TestRedisDatabase;
let redis: Redis;

beforeAll(async () => {
  redisDb = await claimRedisDatabase();
  redis = createRedis(redisDb.url);
});

afterAll(async () => {
  await closeRedis(redis);
  await redisDb.release();
});

const limit = (key: string, max: number) => ({ key, max, windowMs: 60_000 });

it('reserves at most max units however many callers race for them', async () => {
  const results = await Promise.all(
    Array.from({ length: 25 }, () => reserveInWindows(redis, [limit('race', 7)])),
  );
  expect(results.filter((r) => r.reserved)).toHaveLength(7);
  expect(await redis.get('race')).toBe('7');
  const refused = results.find((r) => !r.reserved);
  expect(refused).toMatchObject({ reserved: false, msLeft: expect.any(Number) });
  expect(await redis.pttl('race')).toBeGreaterThan(0);
});

it('reserves in every window or in none', async () => {
  await reserveInWindows(redis, [limit('full', 1)]);
  expect(await reserveInWindows(redis, [limit('spare', 5), limit('full', 1)])).toMatchObject({
    reserved: false,
  });
  expect(await redis.get('spare')).toBeNull();
});

it('gives a unit back without going below zero or touching the expiry', async () => {
  await reserveInWindows(redis, [limit('given', 2)]);
  await redis.pexpire('given', 30_000);
  await releaseFromWindow(redis, 'given');
  await releaseFromWindow(redis, 'given');
  expect(await redis.get('given')).toBe('0');
  expect(await redis.pttl('given')).toBeLessThanOrEqual(30_000);
  await releaseFromWindow(redis, 'absent');
  expect(await redis.exists('absent')).toBe(0);
});
