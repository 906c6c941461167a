import { claimRedisDatabase, type TestRedisDatabase } from '@qual-meet/testing';
import { closeRedis, createRedis, type Redis } from './client';
import { RedisKeys } from './keys';
import { releaseFromWindow, reserveInWindows } from './window-reservation';

// The scripts run as the gateway's own ACL user (its keys and commands only); `admin` asserts.
let redisDb: TestRedisDatabase;
let redis: Redis;
let admin: Redis;

beforeAll(async () => {
  redisDb = await claimRedisDatabase();
  redis = createRedis(redisDb.urlFor('api-gateway'));
  admin = createRedis(redisDb.url);
});

afterAll(async () => {
  await closeRedis(redis);
  await closeRedis(admin);
  await redisDb.release();
});

const key = (name: string) => `${RedisKeys.rateLimitPrefix('gateway')}${name}`;
const limit = (name: string, max: number) => ({ key: key(name), max, windowMs: 60_000 });

it('reserves at most max units however many callers race for them', async () => {
  const results = await Promise.all(
    Array.from({ length: 25 }, () => reserveInWindows(redis, [limit('race', 7)])),
  );
  expect(results.filter((r) => r.reserved)).toHaveLength(7);
  expect(await admin.get(key('race'))).toBe('7');
  const refused = results.find((r) => !r.reserved);
  expect(refused).toMatchObject({ reserved: false, msLeft: expect.any(Number) });
  expect(await admin.pttl(key('race'))).toBeGreaterThan(0);
});

it('reserves in every window or in none', async () => {
  await reserveInWindows(redis, [limit('full', 1)]);
  expect(await reserveInWindows(redis, [limit('spare', 5), limit('full', 1)])).toMatchObject({
    reserved: false,
  });
  expect(await admin.get(key('spare'))).toBeNull();
});

it('gives a unit back without going below zero or touching the expiry', async () => {
  await reserveInWindows(redis, [limit('given', 2)]);
  await admin.pexpire(key('given'), 30_000);
  await releaseFromWindow(redis, key('given'));
  await releaseFromWindow(redis, key('given'));
  expect(await admin.get(key('given'))).toBe('0');
  expect(await admin.pttl(key('given'))).toBeLessThanOrEqual(30_000);
  await releaseFromWindow(redis, key('absent'));
  expect(await admin.exists(key('absent'))).toBe(0);
});
