import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from '@qual-meet/server-kit';
import { signalingConfigSchema } from './config';

const publicKeyPem = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
}).publicKey;
const required = {
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  JWT_PUBLIC_KEY: publicKeyPem,
  ROOM_SERVICE_URL: 'http://127.0.0.1:3002',
};

describe('signaling config', () => {
  it('has the documented defaults', () => {
    const config = loadConfig(signalingConfigSchema, required);
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3101,
      logLevel: 'info',
      jwt: { issuer: 'qual-meet', audience: 'qual-meet' },
      authTimeoutMs: 5_000,
      tokenExpiryGraceMs: 5_000,
      presenceTtlSeconds: 30,
      nodeTimeoutMs: 15_000,
      rateLimit: { perSecond: 100, burst: 300, maxDrops: 200 },
      meetingRateLimit: { perSecond: 2, burst: 10, maxDrops: 200 },
    });
    expect(config.nodeId).toMatch(/^sig-[0-9a-f]{10}$/);
    // Members of a dead node are announced within 4/3 of the node timeout: under 30 s.
    expect((config.nodeTimeoutMs * 4) / 3).toBeLessThanOrEqual(30_000);
  });

  it.each(['REDIS_URL', 'JWT_PUBLIC_KEY', 'ROOM_SERVICE_URL'])('names a missing %s', (name) => {
    const env: Record<string, string> = { ...required };
    delete env[name];
    expect(() => loadConfig(signalingConfigSchema, env)).toThrow(
      new ConfigError(`config: ${name} is missing`),
    );
  });

  it('refuses a node id that could not sit inside a connection id', () => {
    expect(() => loadConfig(signalingConfigSchema, { ...required, NODE_ID: 'a:b' })).toThrow(
      /config: NODE_ID is invalid/,
    );
  });

  it('refuses a private key where the public key goes', () => {
    const privateKey = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    }).privateKey;
    expect(() =>
      loadConfig(signalingConfigSchema, { ...required, JWT_PUBLIC_KEY: privateKey }),
    ).toThrow(/config: JWT_PUBLIC_KEY is invalid/);
  });
});
