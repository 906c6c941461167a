/**
 * Auth benchmark: login latency (p50/p99), hashes/s and the service's event-loop lag p99 at 10
 * and 50 concurrent logins, against the built auth-service on a real PostgreSQL. Baseline, same
 * run: raw argon2id verifications with the same parameters and concurrency, outside any service —
 * the ceiling the service can approach. A lag p99 near the idle value shows hashing stays off the
 * event loop.
 *
 * Usage: npm run bench:auth   (loopback only; bounded: ROUNDS logins per level)
 */
import argon2 from 'argon2';
import { generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  createOwnedDatabase,
  createSql,
  DatabaseRoles,
  ensureDatabaseRoles,
  migrate,
  MIGRATIONS_DIR,
  readMigrations,
} from '@qual-meet/db';
import {
  freePort,
  startLocalPostgres,
  startProcess,
  waitUntilReady,
  workspaceRoot,
} from '@qual-meet/local-servers';
import { fmt, percentile, printTable, runConcurrently } from '../lib/stats';

const ROUNDS = 200;
const LEVELS = [10, 50];
const PARAMS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;
const PASSWORD = 'bench password 123';
const root = workspaceRoot();

async function lagP99Ms(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const match = /^nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(text);
  return match ? Number(match[1]) * 1000 : Number.NaN;
}

async function main(): Promise<void> {
  execFileSync(
    'npx',
    [
      'tsx',
      '--tsconfig',
      'tools/tsconfig.json',
      'tools/build/bundle-service.ts',
      'apps/auth-service',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  const postgres = await startLocalPostgres();
  const port = await freePort();
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  // The service roles and an owned database, as everywhere else: the migrations grant to them.
  const admin = createSql(postgres.url(), { max: 1 });
  await ensureDatabaseRoles(admin);
  await createOwnedDatabase(admin, 'qualmeet');
  await admin.end();
  const sql = createSql(postgres.url('qualmeet', DatabaseRoles.owner), { max: 1 });
  await migrate(sql, await readMigrations(join(root, MIGRATIONS_DIR)));
  await sql.end();
  const service = startProcess({
    name: 'auth-service',
    command: process.execPath,
    args: [join(root, 'dist/apps/auth-service/main.mjs')],
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      DATABASE_URL: postgres.url('qualmeet', DatabaseRoles['auth-service']),
      JWT_PRIVATE_KEY: privateKey,
      LOG_LEVEL: 'warn',
    },
    logFile: join(postgres.dir, 'auth-service.log'),
  });
  try {
    await waitUntilReady(service, async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok);
    const base = `http://127.0.0.1:${port}/api/auth`;
    const users = Array.from({ length: Math.max(...LEVELS) }, (_, i) => `bench${i}@example.com`);
    await runConcurrently(users.length, 10, async (i) => {
      const response = await fetch(`${base}/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: users[i], password: PASSWORD }),
      });
      if (response.status !== 201) throw new Error(`signup failed: ${response.status}`);
    });
    const hash = await argon2.hash(PASSWORD, PARAMS);
    await lagP99Ms(port);
    await delay(1_000);
    const idleLag = await lagP99Ms(port);

    const rows: (string | number)[][] = [];
    for (const concurrency of LEVELS) {
      const raw = await runConcurrently(ROUNDS, concurrency, async () => {
        if (!(await argon2.verify(hash, PASSWORD))) throw new Error('verify failed');
      });
      await lagP99Ms(port);
      const logins = await runConcurrently(ROUNDS, concurrency, async (i) => {
        const response = await fetch(`${base}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: users[i % concurrency], password: PASSWORD }),
        });
        if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
        await response.arrayBuffer();
      });
      const lag = await lagP99Ms(port);
      const serviceRate = (ROUNDS / logins.elapsedMs) * 1000;
      const rawRate = (ROUNDS / raw.elapsedMs) * 1000;
      rows.push(
        [
          `baseline: raw argon2id verify`,
          concurrency,
          fmt(percentile(raw.durationsMs, 50)),
          fmt(percentile(raw.durationsMs, 99)),
          fmt(rawRate),
          '-',
          '1.00',
        ],
        [
          `auth-service POST /login`,
          concurrency,
          fmt(percentile(logins.durationsMs, 50)),
          fmt(percentile(logins.durationsMs, 99)),
          fmt(serviceRate),
          fmt(lag, 2),
          fmt(serviceRate / rawRate, 2),
        ],
      );
    }
    process.stdout.write(
      `\nargon2id m=19 MiB t=2 p=1, ${ROUNDS} operations per row; service event-loop lag p99 when idle: ${fmt(idleLag, 2)} ms\n\n`,
    );
    printTable(
      ['workload', 'concurrency', 'p50 ms', 'p99 ms', 'hashes/s', 'loop lag p99 ms', 'vs baseline'],
      rows,
    );
  } finally {
    await service.stop();
    await postgres.stop();
  }
}

await main();
