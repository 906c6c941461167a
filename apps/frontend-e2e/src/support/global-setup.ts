import { generateStackSecrets, startPlatform, type Platform } from '@qual-meet/stack';

declare global {
  var qualMeetPlatform: Platform | undefined;
}

/** The platform URL and where to reach its pieces, for the test files. */
export const PLATFORM_VARIABLE = 'QM_E2E_PLATFORM';

/** Starts the whole platform (built bundles, two signaling nodes) once for the browser tests. */
export default async function globalSetup(): Promise<void> {
  const platform = await startPlatform({
    mode: 'bundle',
    local: true,
    logLevel: 'warn',
    secrets: generateStackSecrets(),
  });
  globalThis.qualMeetPlatform = platform;
  process.env[PLATFORM_VARIABLE] = JSON.stringify({
    url: platform.url,
    runtimeDir: platform.runtimeDir,
    signaling: platform.ports.signaling,
    redisUrl: platform.redis.url(),
  });
}
