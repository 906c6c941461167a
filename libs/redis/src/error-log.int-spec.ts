import { startDedicatedRedis, whenReady, type TestRedis } from '@qual-meet/testing';
import { createFailFastRedis, closeRedis } from './client';
import { logRedisErrors } from './error-log';

let server: TestRedis;
beforeAll(async () => {
  server = await startDedicatedRedis();
});
afterAll(() => server.stop());

it('logs an outage as one warning, its repeats at debug and its end once', async () => {
  const lines: { level: string; msg: string }[] = [];
  const log = {
    warn: (_obj: object, msg: string) => lines.push({ level: 'warn', msg }),
    debug: (_obj: object, msg: string) => lines.push({ level: 'debug', msg }),
    info: (msg: string) => lines.push({ level: 'info', msg }),
  };
  const redis = createFailFastRedis(server.urlFor('api-gateway'));
  logRedisErrors(redis, log);
  try {
    await whenReady(redis);
    await server.halt();
    // Two failed reconnects: the first warns, the second is a repeat.
    await new Promise<void>((resolve) => {
      let errors = 0;
      redis.on('error', () => ++errors === 2 && resolve());
    });
    await server.resume();
    await whenReady(redis);
    expect(lines.filter((l) => l.level === 'warn')).toEqual([
      { level: 'warn', msg: 'redis unreachable; reconnecting' },
    ]);
    expect(lines.some((l) => l.level === 'debug')).toBe(true);
    expect(lines.at(-1)).toEqual({ level: 'info', msg: 'redis: connection restored' });
  } finally {
    await closeRedis(redis);
  }
});
