/**
 * `npm start`: the whole platform on this machine, as local processes under `.runtime/`, at
 * http://localhost:8080. Installs missing servers (as root, with apt-get), generates dev secrets
 * once into `.env`, starts PostgreSQL, Redis and coturn, migrates, builds and starts every service
 * (two signaling nodes) and nginx, and stops all of it on Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createSql, migrate, readMigrations } from '@qual-meet/db';
import {
  ensureServerPackages,
  isTcpOpen,
  startLocalCoturn,
  startLocalNginx,
  startLocalPostgres,
  startLocalRedis,
  workspaceRoot,
  type LocalServer,
} from '@qual-meet/local-servers';
import { runServices, serviceSpecs, type RunningServices } from '@qual-meet/stack';
import { ensureLocalSecrets } from './secrets';

const root = workspaceRoot();
const runtimeDir = join(root, '.runtime');
const logDir = join(runtimeDir, 'logs');
const DATABASE = 'qualmeet';
const log = (line: string) => process.stdout.write(`[qual-meet] ${line}\n`);

function port(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0 || value > 65_535)
    throw new Error(`${name} must be a port number`);
  return value;
}

const ports = {
  http: port('QM_HTTP_PORT', 8080),
  postgres: port('QM_POSTGRES_PORT', 55432),
  redis: port('QM_REDIS_PORT', 56379),
  turn: port('QM_TURN_PORT', 3478),
  gateway: port('QM_GATEWAY_PORT', 3000),
  auth: port('QM_AUTH_PORT', 3001),
  rooms: port('QM_ROOMS_PORT', 3002),
  turnCredentials: port('QM_TURN_CREDENTIALS_PORT', 3003),
  signaling: [port('QM_SIGNALING_1_PORT', 3101), port('QM_SIGNALING_2_PORT', 3102)],
};

const servers: LocalServer[] = [];
let services: RunningServices | undefined;
let stopping = false;

async function stop(exitCode = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await services?.stop();
  for (const server of servers.reverse()) await server.halt();
  log('stopped');
  process.exit(exitCode);
}

async function assertPortsFree(): Promise<void> {
  for (const [name, value] of Object.entries(ports).flatMap(([n, v]) =>
    Array.isArray(v) ? v.map((p) => [n, p] as const) : [[n, v] as const],
  )) {
    if (await isTcpOpen(value))
      throw new Error(`port ${value} (${name}) is already in use — is another stack running?`);
  }
}

async function prepareDatabase(adminUrl: string, url: string): Promise<void> {
  const admin = createSql(adminUrl, { max: 1 });
  try {
    const [exists] = await admin`SELECT 1 FROM pg_database WHERE datname = ${DATABASE}`;
    if (!exists) await admin.unsafe(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  const sql = createSql(url, { max: 1 });
  try {
    const applied = await migrate(sql, await readMigrations(join(root, 'libs/db/migrations')));
    log(
      applied.length
        ? `migrations applied: ${applied.join(', ')}`
        : 'database schema is up to date',
    );
  } finally {
    await sql.end();
  }
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  mkdirSync(logDir, { recursive: true });
  await ensureServerPackages(['/usr/lib/postgresql', 'redis-server', 'turnserver', 'nginx'], log);
  await assertPortsFree();
  const env = ensureLocalSecrets(join(root, '.env'));

  log('building the services and the web app…');
  execFileSync(
    'npx',
    [
      'nx',
      'run-many',
      '-t',
      'build',
      '--projects=tag:type:app',
      '--outputStyle=static',
      '--skip-sync',
    ],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );

  const postgres = await startLocalPostgres({
    dir: join(runtimeDir, 'postgres'),
    port: ports.postgres,
  });
  servers.push(postgres);
  const redis = await startLocalRedis({ dir: join(runtimeDir, 'redis'), port: ports.redis });
  servers.push(redis);
  const turn = await startLocalCoturn({
    dir: join(runtimeDir, 'coturn'),
    port: ports.turn,
    secret: env.TURN_SECRET!,
  });
  servers.push(turn);
  await prepareDatabase(postgres.url(), postgres.url(DATABASE));

  services = await runServices({
    mode: 'bundle',
    logDir,
    specs: serviceSpecs({
      ports: {
        gateway: ports.gateway,
        auth: ports.auth,
        rooms: ports.rooms,
        turn: ports.turnCredentials,
        signaling: ports.signaling,
      },
      secrets: {
        jwtPrivateKey: env.JWT_PRIVATE_KEY!,
        jwtPublicKey: env.JWT_PUBLIC_KEY!,
        turnSecret: env.TURN_SECRET!,
      },
      backends: {
        databaseUrl: postgres.url(DATABASE),
        redisUrl: redis.url(),
        turn: { host: '127.0.0.1', port: ports.turn },
      },
      env: { LOG_LEVEL: env.LOG_LEVEL ?? 'info' },
      local: true,
    }),
    onUnexpectedExit: (service, tail) => {
      log(`${service.spec.name} exited unexpectedly; last log lines:\n${tail}`);
      void stop(1);
    },
  });
  const nginx = await startLocalNginx({
    dir: join(runtimeDir, 'nginx'),
    port: ports.http,
    spaRoot: join(root, 'dist/apps/frontend'),
    gateways: [`127.0.0.1:${ports.gateway}`],
    signalingNodes: ports.signaling.map((p) => `127.0.0.1:${p}`),
  });
  servers.push(nginx);

  log(
    `PostgreSQL 127.0.0.1:${ports.postgres} (data in .runtime/postgres) · Redis 127.0.0.1:${ports.redis} · coturn 127.0.0.1:${ports.turn}`,
  );
  for (const s of services.services) log(`${s.spec.name.padEnd(24)} ${s.url}`);
  log(
    'per-IP rate limits are lifted in this local stack (per-user and per-account limits stay on)',
  );
  log('logs in .runtime/logs — Ctrl-C stops everything');
  log('QUAL_MEET is running at http://localhost:' + ports.http);
}

main().catch(async (error: unknown) => {
  log(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
});
