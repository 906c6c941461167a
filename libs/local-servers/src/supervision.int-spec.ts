import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { startLocalNginx } from './nginx';
import { startLocalPostgres } from './postgres';
import { isTcpOpen } from './process';
import { startLocalRedis } from './redis';
import type { LocalServer } from './server';
import type { SupervisorEvent } from './supervisor';

/** Events of every supervisor, and a way to await the one a test expects. */
function eventLog() {
  const events: SupervisorEvent[] = [];
  const waiters: { match: (e: SupervisorEvent) => boolean; resolve: () => void }[] = [];
  return {
    events,
    onEvent(event: SupervisorEvent) {
      events.push(event);
      for (const w of waiters.filter((w) => w.match(event))) w.resolve();
    },
    next(type: SupervisorEvent['type'], name: string): Promise<void> {
      return new Promise((resolve) =>
        waiters.push({ match: (e) => e.type === type && e.name === name, resolve }),
      );
    },
  };
}

let site: string;
let log: ReturnType<typeof eventLog>;
let servers: { postgres: LocalServer; redis: LocalServer; nginx: LocalServer } | undefined;

beforeAll(async () => {
  site = await mkdtemp(join(tmpdir(), 'qm-supervision-site-'));
  await writeFile(join(site, 'index.html'), '<!doctype html><title>qm</title>');
  // nginx's workers run as nobody.
  await chmod(site, 0o755);
  log = eventLog();
  const supervision = { onEvent: log.onEvent, policy: { initialDelayMs: 100 } };
  const [pg, redis, nginx] = await Promise.all([
    startLocalPostgres({ supervision }),
    startLocalRedis({ supervision }),
    startLocalNginx({ spaRoot: site, gateways: ['127.0.0.1:1'], signalingNodes: [], supervision }),
  ]);
  servers = { postgres: pg, redis, nginx };
}, 60_000);

afterAll(async () => {
  if (servers) await Promise.all(Object.values(servers).map((s) => s.stop()));
  await rm(site, { recursive: true, force: true });
});

const pids = () => Object.values(servers!).map((s) => s.process.child.pid);

it('restarts a SIGKILLed Redis on its port while the other servers keep running', async () => {
  const { redis } = servers!;
  const [pgPid, , nginxPid] = pids();
  const client = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  try {
    await client.set('k', 'v');
    const back = log.next('restarted', 'redis');
    redis.process.child.kill('SIGKILL');
    await back;
    expect(await client.ping()).toBe('PONG');
  } finally {
    client.disconnect();
  }
  expect(log.events).toContainEqual(
    expect.objectContaining({ type: 'crashed', name: 'redis', exit: 'signal SIGKILL' }),
  );
  const [pgAfter, , nginxAfter] = pids();
  expect([pgAfter, nginxAfter]).toEqual([pgPid, nginxPid]);
});

it('restarts nginx on its port after its master is SIGKILLed', async () => {
  const { nginx } = servers!;
  const back = log.next('restarted', 'nginx');
  nginx.process.child.kill('SIGKILL');
  await back;
  expect((await fetch(`http://127.0.0.1:${nginx.port}/`)).status).toBe(200);
  expect(log.events.filter((e) => e.type === 'restart-failed' && e.name === 'nginx')).toEqual([]);
});

it('restarts a SIGKILLed PostgreSQL once its backends are gone, and a pool reconnects', async () => {
  const pg = servers!.postgres;
  const url = `postgres://postgres@127.0.0.1:${pg.port}/postgres`;
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    expect(await sql`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    const back = log.next('restarted', 'postgres');
    pg.process.child.kill('SIGKILL');
    await back;
    expect(await sql`SELECT 1 AS one`).toEqual([{ one: 1 }]);
  } finally {
    await sql.end();
  }
  expect(await isTcpOpen(servers!.redis.port)).toBe(true);
});
