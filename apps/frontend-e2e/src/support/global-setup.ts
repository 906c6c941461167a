import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { startPlatform, type Platform } from '@qual-meet/stack';

declare global {
  var qualMeetPlatform: Platform | undefined;
}

/** The platform URL and where to reach its pieces, for the test files. */
export const PLATFORM_VARIABLE = 'QM_E2E_PLATFORM';

/** Starts the whole platform (built bundles, two signaling nodes) once for the browser tests. */
export default async function globalSetup(): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const platform = await startPlatform({
    mode: 'bundle',
    local: true,
    logLevel: 'warn',
    secrets: {
      jwtPrivateKey: privateKey,
      jwtPublicKey: publicKey,
      turnSecret: randomBytes(24).toString('hex'),
    },
  });
  globalThis.qualMeetPlatform = platform;
  process.env[PLATFORM_VARIABLE] = JSON.stringify({
    url: platform.url,
    runtimeDir: platform.runtimeDir,
    signaling: platform.ports.signaling,
    redisUrl: platform.redis.url(),
  });
}
