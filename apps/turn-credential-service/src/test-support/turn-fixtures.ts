import type { TestKeyPair } from '@qual-meet/testing';
import { turnConfigSchema } from '../config';

export const TEST_TURN_SECRET = 'a-test-secret-of-enough-length';

/** The service's config for a suite, as `main.ts` would parse it; `env` overrides variables. */
export function turnTestConfig(
  redisUrl: string,
  keys: TestKeyPair,
  env: Record<string, string> = {},
) {
  return turnConfigSchema.parse({
    REDIS_URL: redisUrl,
    JWT_PUBLIC_KEY: keys.publicKeyPem,
    TURN_SECRET: TEST_TURN_SECRET,
    TURN_URLS: 'turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp',
    STUN_URLS: 'stun:127.0.0.1:3478',
    LOG_LEVEL: 'silent',
    ...env,
  });
}
