import { execFile } from 'node:child_process';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { createRedis } from '@qual-meet/redis';
import { signTestToken, type TestKeyPair } from '@qual-meet/testing';
import { turnConfigSchema } from '../config';
import { ISSUANCE_REDIS_OPTIONS } from '../issuance-limiter';

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

/** A Redis client configured like the service's, once connected (it queues nothing offline). */
export async function connectIssuanceRedis(url: string): Promise<Redis> {
  const redis = createRedis(url, ISSUANCE_REDIS_OPTIONS);
  if (redis.status !== 'ready') await once(redis, 'ready');
  return redis;
}

/** `Bearer <token>` for a user, signed the way the auth service signs. */
export function authorizationFor(keys: TestKeyPair, userId: string): string {
  const claims = {
    sub: userId,
    email: `${userId}@example.com`,
    iss: 'qual-meet',
    aud: 'qual-meet',
  };
  return `Bearer ${signTestToken(keys, claims)}`;
}

/** A TURN server address as written in an ICE URL (`turn:host:port?transport=udp`). */
export interface TurnEndpoint {
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
}

/** The endpoint of a `turn:` URL; transport UDP unless the URL says otherwise. */
export function turnEndpointOf(url: string): TurnEndpoint {
  const match = /^turn:([^:?]+):(\d+)(?:\?transport=(udp|tcp))?$/.exec(url);
  if (!match) throw new Error(`not a plain turn: URL: ${url}`);
  return { host: match[1]!, port: Number(match[2]), transport: match[3] === 'tcp' ? 'tcp' : 'udp' };
}

export interface AllocationAttempt {
  allocated: boolean;
  exitCode: number | null;
  output: string;
}

/**
 * Asks a TURN server for a relay allocation with coturn's own client, `turnutils_uclient`: one
 * allocation, no media (`-n 0`), no RTCP pair (`-c`), verbose so the relay address is printed.
 * Wrong or expired credentials make it exit non-zero with "Cannot complete Allocation".
 */
export function tryAllocate(
  endpoint: TurnEndpoint,
  username: string,
  password: string,
): Promise<AllocationAttempt> {
  const args = ['-v', '-c', '-n', '0', '-e', '127.0.0.1', '-u', username, '-w', password];
  if (endpoint.transport === 'tcp') args.push('-t');
  args.push('-p', String(endpoint.port), endpoint.host);
  return new Promise((resolve) => {
    execFile('turnutils_uclient', args, { timeout: 20_000 }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      const output = `${stdout}${stderr}`;
      resolve({
        allocated: exitCode === 0 && /Received relay addr/.test(output),
        exitCode,
        output,
      });
    });
  });
}
