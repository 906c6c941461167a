import { Redis } from 'ioredis';
import { claimRedisDatabase, closeRedis, type TestRedisDatabase } from '@qual-meet/testing';
import { RedisKeys } from './keys';
import type { RedisServiceUser } from './acl';

// The harness's Redis has the production ACL users: what one service can and cannot do there is
// what a compromised service could do in production.
let db: TestRedisDatabase;
const clients: Redis[] = [];

beforeAll(async () => {
  db = await claimRedisDatabase();
});

afterAll(async () => {
  await Promise.all(clients.map((client) => closeRedis(client)));
  await db.release();
});

function as(service: RedisServiceUser): Redis {
  const client = new Redis(db.urlFor(service), { maxRetriesPerRequest: 0, lazyConnect: true });
  clients.push(client);
  return client;
}

const room = '0b6b7a4e-4a55-4d0f-8f0a-3c1f8f5c2d9e';
const user = '6f1c1a52-8d2e-4a43-9a57-7e0f2b4f7c11';
const NOPERM = /NOPERM/;

describe('Redis ACL users', () => {
  it('refuse a client without a password', async () => {
    const anonymous = new Redis(db.url.replace(/\/\/[^@]*@/, '//'), {
      maxRetriesPerRequest: 0,
      lazyConnect: true,
    });
    clients.push(anonymous);
    await expect(anonymous.get(RedisKeys.room(room))).rejects.toThrow(/NOAUTH|WRONGPASS/);
  });

  it('let each service use its own keys', async () => {
    await as('room-service').set(RedisKeys.room(room), '{}');
    await as('turn-credential-service').incrby(RedisKeys.iceIssuance(user), 1);
    await as('api-gateway').incr(`${RedisKeys.rateLimitPrefix('gateway')}api:user:${user}`);
    await as('signaling-service').hset(RedisKeys.roomMembers(room), user, 'n:s:name');
    expect(await as('signaling-service').get(RedisKeys.room(room))).toBe('{}');
    expect(await as('room-service').publish(RedisKeys.roomEvents(room), '{}')).toBe(0);
  });

  it.each<[RedisServiceUser, () => Promise<unknown>]>([
    ['room-service', () => as('room-service').get(RedisKeys.iceIssuance(user))],
    ['room-service', () => as('room-service').hgetall(RedisKeys.roomMembers(room))],
    ['turn-credential-service', () => as('turn-credential-service').get(RedisKeys.room(room))],
    [
      'api-gateway',
      () => as('api-gateway').set(RedisKeys.presence(room, user), 'forged', 'EX', 30),
    ],
    ['api-gateway', () => as('api-gateway').publish(RedisKeys.roomEvents(room), '{}')],
    // Signaling reads the meeting cache but cannot rewrite a meeting (say, reopen an ended one).
    ['signaling-service', () => as('signaling-service').set(RedisKeys.room(room), '{}')],
    [
      'signaling-service',
      () => as('signaling-service').get(`${RedisKeys.rateLimitPrefix('gateway')}x`),
    ],
  ])('refuse %s another service’s keys or channels (NOPERM)', async (_service, attempt) => {
    await expect(attempt()).rejects.toThrow(NOPERM);
  });

  it.each<RedisServiceUser>([
    'api-gateway',
    'room-service',
    'turn-credential-service',
    'signaling-service',
  ])('refuse %s server-wide commands', async (service) => {
    const client = as(service);
    await expect(client.flushdb()).rejects.toThrow(NOPERM);
    await expect(client.keys('*')).rejects.toThrow(NOPERM);
    await expect(client.config('GET', 'requirepass')).rejects.toThrow(NOPERM);
    await expect(client.call('ACL', 'LIST')).rejects.toThrow(NOPERM);
  });

  it('check the keys a Lua script touches against the caller’s rights', async () => {
    const script = `return redis.call('GET', '${RedisKeys.iceIssuance(user)}')`;
    await expect(as('room-service').eval(script, 0)).rejects.toThrow(/can't access/);
  });
});
