/**
 * `npm start`: the whole platform on this machine, as local processes under `.runtime/`.
 * Installs missing servers (as root, with apt-get), generates dev secrets once into `.env`,
 * starts PostgreSQL and Redis, migrates, builds and starts every service, and stops all of it
 * on Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createSql, migrate, readMigrations } from '@qual-meet/db';
import {
  ensureServerPackages,
  isTcpOpen,
  startLocalPostgres,
  startLocalRedis,
  startProcess,
  tailOf,
  waitUntilReady,
  workspaceRoot,
  type LocalServer,
  type ManagedProcess,
} from '@qual-meet/local-servers';
import { ensureLocalSecrets, type LocalSecrets } from './secrets';
import { stackServices, type StackPorts } from './services';

const root = workspaceRoot();
const runtimeDir = join(root, '.runtime');
const logDir = join(runtimeDir, 'logs');
const DATABASE = 'qualmeet';

const port = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0 || value > 65_535)
    throw new Error(`${name} must be a port number`);
  return value;
};
const ports: StackPorts = {
  http: port('QM_HTTP_PORT', 8080),
  postgres: port('QM_POSTGRES_PORT', 55432),
  redis: port('QM_REDIS_PORT', 56379),
  coturn: port('QM_TURN_PORT', 3478),
  auth: port('QM_AUTH_PORT', 3001),
};

const log = (line: string) => process.stdout.write(`[qual-meet] ${line}\n`);
const servers: LocalServer[] = [];
const services: ManagedProcess[] = [];

async function assertPortsFree(): Promise<void> {
  for (const [name, value] of Object.entries(ports)) {
    if (await isTcpOpen(value))
      throw new Error(`port ${value} (${name}) is already in use — is another stack running?`);
  }
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const admin = createSql(adminUrl, { max: 1 });
  try {
    const [exists] = await admin`SELECT 1 FROM pg_database WHERE datname = ${DATABASE}`;
    if (!exists) await admin.unsafe(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
}

async function applyMigrations(url: string): Promise<void> {
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

async function startService(
  name: string,
  projectRoot: string,
  servicePort: number,
  env: Record<string, string>,
) {
  const child = startProcess({
    name,
    command: process.execPath,
    args: ['--enable-source-maps', join(root, 'dist', projectRoot, 'main.mjs')],
    env: { PATH: process.env.PATH ?? '', ...env },
    logFile: join(logDir, `${name}.log`),
  });
  services.push(child);
  await waitUntilReady(
    child,
    async () => (await fetch(`http://127.0.0.1:${servicePort}/healthz`)).ok,
  );
  void child.exited.then(async (code) => {
    if (stopping) return;
    log(
      `${name} exited unexpectedly (code ${code}); last log lines:\n${await tailOf(child.logFile)}`,
    );
    void stop(1);
  });
}

let stopping = false;
async function stop(exitCode = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await Promise.all(services.reverse().map((s) => s.stop('SIGTERM')));
  await Promise.all(servers.reverse().map((s) => s.halt()));
  log('stopped');
  process.exit(exitCode);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  mkdirSync(logDir, { recursive: true });
  await ensureServerPackages(['/usr/lib/postgresql', 'redis-server'], log);
  await assertPortsFree();
  const secrets = ensureLocalSecrets(join(root, '.env')) as unknown as LocalSecrets;

  log('building services…');
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
  await ensureDatabase(postgres.url());
  const databaseUrl = postgres.url(DATABASE);
  await applyMigrations(databaseUrl);

  const specs = stackServices({ ports, secrets, databaseUrl, redisUrl: redis.url() });
  for (const spec of specs) await startService(spec.name, spec.projectRoot, spec.port, spec.env);

  log(`PostgreSQL  127.0.0.1:${ports.postgres} (database ${DATABASE}, data in .runtime/postgres)`);
  log(`Redis       127.0.0.1:${ports.redis}`);
  for (const spec of specs) log(`${spec.name.padEnd(11)} http://127.0.0.1:${spec.port}`);
  log(`logs in .runtime/logs — Ctrl-C stops everything`);
}

main().catch(async (error: unknown) => {
  log(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
});
