import { spawnSync } from 'node:child_process';

/**
 * Runs a command in a fresh network namespace with only loopback up, and returns its exit code.
 * Browser tests and benchmarks run there so WebRTC can never reach the machine's real interfaces.
 * As root `unshare -n` suffices; otherwise a user namespace maps us to root inside it.
 */
export function runInLoopbackNamespace(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): number {
  const asRoot = process.getuid?.() === 0;
  const result = spawnSync(
    'unshare',
    [
      ...(asRoot ? ['-n'] : ['-r', '-n']),
      '--',
      'sh',
      '-c',
      'ip link set lo up && exec "$@"',
      'loopback-only',
      command,
      ...args,
    ],
    { stdio: 'inherit', env },
  );
  return result.status ?? 1;
}
