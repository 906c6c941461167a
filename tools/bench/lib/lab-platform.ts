import { runInLoopbackNamespace } from '@qual-meet/local-servers';
import { startLabCorePlatform } from '@qual-meet/browser-testing';
import { buildApps, type Platform } from '@qual-meet/stack';

const IN_NAMESPACE = 'QM_BENCH_IN_NETNS';

/**
 * Re-runs this benchmark inside a fresh loopback-only network namespace, like the browser tests
 * (WebRTC must never touch the machine's real interfaces); returns only inside it.
 */
export function inLoopbackNamespace(): void {
  if (process.env[IN_NAMESPACE]) return;
  process.exit(
    runInLoopbackNamespace(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      ...process.env,
      [IN_NAMESPACE]: '1',
    }),
  );
}

/**
 * Builds the apps and starts the whole platform in this namespace, which is also the network
 * lab's core: it serves loopback and the lab's server address (HTTPS and TURN over TLS on 443).
 */
export async function startLabPlatform(): Promise<Platform> {
  buildApps();
  return startLabCorePlatform();
}
