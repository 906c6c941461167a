/**
 * `npm test`: lint, typecheck, unit tests and builds of every project (one Nx run), then the
 * integration suites against real servers, then the browser tests against the whole platform.
 * As root it first installs the servers and the browser with apt-get; it installs nothing else.
 */
import { spawnSync } from 'node:child_process';
import { ensureServerPackages, workspaceRoot } from '@qual-meet/local-servers';

const root = workspaceRoot();
const log = (line: string) => process.stdout.write(`[qual-meet test] ${line}\n`);

function step(name: string, command: string, args: string[]): void {
  log(name);
  const startedAt = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  if (result.status !== 0) {
    log(`${name}: FAILED after ${seconds} s`);
    process.exit(result.status ?? 1);
  }
  log(`${name}: ok in ${seconds} s`);
}

await ensureServerPackages(
  [
    '/usr/lib/postgresql',
    'redis-server',
    'turnserver',
    'nginx',
    '/usr/lib/nginx/modules/ngx_stream_module.so',
    '/usr/lib/chromium/chromium',
    'nft',
    'ip',
    'ss',
  ],
  log,
);
step('lint, typecheck, unit tests, build', 'npx', [
  'nx',
  'run-many',
  '-t',
  'lint',
  'typecheck',
  'test',
  'build',
  '--outputStyle=static',
  '--parallel=2',
  '--skip-sync',
]);
step('integration tests (real PostgreSQL, Redis, coturn)', 'npx', [
  'jest',
  '-c',
  'jest.integration.config.js',
  '--ci',
]);
step('browser tests (Chromium, whole platform, loopback-only network namespace)', 'npx', [
  'tsx',
  '--tsconfig',
  'tools/tsconfig.json',
  'tools/scripts/e2e.ts',
]);
log('all green');
