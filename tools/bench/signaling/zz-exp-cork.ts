import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startLocalRedis } from '@qual-meet/local-servers';
import { RedisKeys } from '@qual-meet/redis';
import { generateTestKeyPair, signTestToken } from '@qual-meet/testing';
import { startServer } from './servers';
import { closeAll, latencyAtLoad, populate, saturation } from './workload';
const keys = generateTestKeyPair();
const redis = await startLocalRedis({ databases: 4 });
const db = new Redis(redis.url(1));
const mk = (n: number) => Array.from({ length: n }, (_, i) => { const userId = randomUUID(); return { userId, token: signTestToken(keys, { sub: userId, email: `b${i}@x.com`, iss: 'qual-meet', aud: 'qual-meet' }, { expiresInMs: 3600000 }) }; });
for (const mode of ['immediate', 'tick', 'off', 'sio']) {
  process.env.QM_CORK = mode;
  const rooms = Array.from({ length: 40 }, () => randomUUID());
  for (const id of rooms) await db.set(RedisKeys.room(id), JSON.stringify({ id, hostId: randomUUID(), isActive: true, maxParticipants: 6, createdAt: new Date().toISOString() }));
  const system = mode === 'sio' ? 'socketio' : 'signaling';
  const servers = [await startServer(system, 1, { redisUrl: redis.url(1), publicKeyPem: keys.publicKeyPem })];
  const pop = await populate(system, servers, mk(199), rooms, [4, 5, 6]);
  const sat = await saturation(pop, servers, { window: 4, warmupMs: 1000, measureMs: 3000 });
  const lat = await latencyAtLoad(pop, { ratePerSecond: 3000, warmupMs: 1000, durationMs: 3000 });
  console.log(mode, Math.round(sat.msgsPerSecond), sat.cpuMicrosPerMsg.toFixed(1), 'µs', 'p50', lat.p50.toFixed(2), 'p99', lat.p99.toFixed(2));
  await closeAll(pop);
  await Promise.all(servers.map((s) => s.stop()));
}
db.disconnect();
await redis.stop();
