import { LAB_SERVER, prepareLabCore } from '@qual-meet/netlab';
import { generateStackSecrets, startPlatform, type Platform } from '@qual-meet/stack';

/**
 * Starts the whole platform (built bundles, two signaling nodes) in this namespace, which is
 * also the network lab's core: it serves loopback and the lab's server address, with HTTPS and
 * TURN over TLS on 443 as in production. For the browser tests and the benchmarks alike.
 */
export async function startLabCorePlatform(): Promise<Platform> {
  await prepareLabCore();
  return startPlatform({
    mode: 'bundle',
    local: true,
    logLevel: 'warn',
    secrets: generateStackSecrets(),
    publicHost: LAB_SERVER,
    ports: { https: 443 },
  });
}
