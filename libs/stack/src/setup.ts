import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { workspaceRoot } from '@qual-meet/local-servers';
import type { StackSecrets } from './services';

/** Fresh secrets for a throwaway platform (tests, benchmarks): an RS256 key pair, a TURN secret. */
export function generateStackSecrets(): StackSecrets {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    jwtPrivateKey: privateKey,
    jwtPublicKey: publicKey,
    turnSecret: randomBytes(32).toString('hex'),
  };
}

/** Builds every app (service bundles and the SPA) with one Nx run; cached builds are reused. */
export function buildApps(): void {
  execFileSync(
    'npx',
    [
      'nx',
      'run-many',
      '-t',
      'build',
      '--projects=tag:type:app',
      '--outputStyle=static',
      '--skip-sync',
    ],
    { cwd: workspaceRoot(), stdio: ['ignore', 'ignore', 'inherit'] },
  );
}
