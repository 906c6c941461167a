/**
 * Runs the browser tests inside a fresh network namespace with only loopback up, so the stack and
 * Chromium's WebRTC can never reach a real interface. Extra arguments go to Jest.
 * Needs the apps built (`nx run-many -t build`).
 */
import { runInLoopbackNamespace, workspaceRoot } from '@qual-meet/local-servers';

process.chdir(workspaceRoot());
process.exit(
  runInLoopbackNamespace('npx', [
    'jest',
    '-c',
    'jest.e2e.config.js',
    '--ci',
    ...process.argv.slice(2),
  ]),
);
