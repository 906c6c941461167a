import { RedisKeys, type Redis } from '@qual-meet/redis';
import { claimRedisDatabase, closeRedis, connectFailFastRedis } from '@qual-meet/testing';
import { RedisMeetingStore } from './membership/redis-meeting-store';
import { RedisMembershipStore } from './membership/redis-membership-store';
import { RedisUserQuotas } from './quotas/redis-user-quotas';
import { RedisRoomBus } from './redis-room-bus';
import { describeMembershipStore } from './test-support/membership-conformance';
import { describeRoomBus } from './test-support/room-bus-conformance';
import { describeUserQuotas } from './test-support/user-quotas-conformance';

// The Redis implementations against the suites their in-memory fakes pass (conformance.spec.ts),
// as the signaling service's own Redis user.

/** Connections of one suite, closed together with its database. */
async function redisOf() {
  const db = await claimRedisDatabase();
  const clients: Redis[] = [];
  const connect = async (url = db.urlFor('signaling-service')) => {
    const client = await connectFailFastRedis(url);
    clients.push(client);
    return client;
  };
  const close = async () => {
    await Promise.all(clients.map(closeRedis));
    await db.release();
  };
  return { connect, admin: () => connect(db.url), close };
}

describeMembershipStore('the Redis store', async () => {
  const redis = await redisOf();
  const commands = await redis.connect();
  const admin = await redis.admin();
  return {
    membership: new RedisMembershipStore(commands, 30),
    meetings: new RedisMeetingStore(commands),
    bus: new RedisRoomBus(commands, await redis.connect()),
    expirePresence: async (roomId, userId) => {
      await admin.del(RedisKeys.presence(roomId, userId));
    },
    close: redis.close,
  };
});

describeRoomBus('Redis Pub/Sub', async () => {
  const redis = await redisOf();
  return {
    connect: async () => new RedisRoomBus(await redis.connect(), await redis.connect()),
    close: redis.close,
  };
});

describeUserQuotas('the Redis quotas', async () => {
  const redis = await redisOf();
  const commands = await redis.connect();
  return {
    quotas: new RedisUserQuotas(commands),
    membership: new RedisMembershipStore(commands, 30),
    close: redis.close,
  };
});
