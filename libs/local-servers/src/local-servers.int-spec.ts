import { Redis } from 'ioredis';
import { once } from 'node:events';
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
    // The client finds the resumed server by itself.
    if (client.status !== 'ready') await once(client, 'ready');
    expect(await client.ping()).toBe('PONG');
    // QUIT while Redis is up: `disconnect()` could leave ioredis's 2 s close timer running.
    await client.quit();
  } finally {
    client.disconnect();
    await redis.stop();
  }
  expect(await isTcpOpen(redis.port)).toBe(false);
});
