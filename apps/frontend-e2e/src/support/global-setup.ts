import { startLabCorePlatform } from '@qual-meet/browser-testing';
import type { Platform } from '@qual-meet/stack';

declare global {
  var qualMeetPlatform: Platform | undefined;
}

/** The platform URL and where to reach its pieces, for the test files. */
export const PLATFORM_VARIABLE = 'QM_E2E_PLATFORM';

/**
 * Starts the whole platform (built bundles, two signaling nodes) once for the browser tests, on
 * loopback and on the network lab's server address (this namespace is the lab's core), with
 * HTTPS and TURN over TLS on 443 as in production.
 */
export default async function globalSetup(): Promise<void> {
  const platform = await startLabCorePlatform();
  globalThis.qualMeetPlatform = platform;
  process.env[PLATFORM_VARIABLE] = JSON.stringify({
    url: platform.url,
    httpsUrl: platform.httpsUrl,
    publicUrl: platform.publicUrl,
    runtimeDir: platform.runtimeDir,
    signaling: platform.ports.signaling,
    redisUrl: platform.redis.url(),
  });
}
