import { Redis } from 'ioredis';
import { startLocalRedis } from './redis';
import { isTcpOpen } from './process';

it('runs Redis on loopback, halts and resumes it on the same port, and cleans up', async () => {
  const redis = await startLocalRedis();
  const client = new Redis(redis.url(), { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    await redis.halt();
    expect(await isTcpOpen(redis.port)).toBe(false);
    await redis.resume();
    expect(await isTcpOpen(redis.port)).toBe(true);
  } finally {
    client.disconnect();
    await redis.stop();
  }
  expect(await isTcpOpen(redis.port)).toBe(false);
});
