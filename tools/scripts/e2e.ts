/**
 * Runs the browser tests inside a fresh network namespace with only loopback up, so the stack and
 * Chromium's WebRTC can never reach a real interface. Extra arguments go to Jest.
 * Needs the apps built (`nx run-many -t build`).
 */
import { spawnSync } from 'node:child_process';
import { workspaceRoot } from '@qual-meet/local-servers';

const asRoot = process.getuid?.() === 0;
const result = spawnSync(
  'unshare',
  [
    // Without root, a user namespace maps us to root inside, which is enough for a network namespace.
    ...(asRoot ? ['-n'] : ['-r', '-n']),
    '--',
    'sh',
    '-c',
    'ip link set lo up && exec npx jest -c jest.e2e.config.js --ci "$@"',
    'e2e',
    ...process.argv.slice(2),
  ],
  { cwd: workspaceRoot(), stdio: 'inherit' },
);
process.exit(result.status ?? 1);
