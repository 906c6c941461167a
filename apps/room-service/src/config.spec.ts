import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@qual-meet/server-kit';
import { generateTestKeyPair } from '@qual-meet/testing';
import { roomConfigSchema } from './config';

const keys = generateTestKeyPair();
const required = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/qualmeet',
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  JWT_PUBLIC_KEY: keys.publicKeyPem,
};

describe('room-service config', () => {
  it('applies the defaults: port 3002, qual-meet issuer and audience, one-day cache entries', () => {
    expect(loadConfig(roomConfigSchema, required)).toEqual({
      host: '127.0.0.1',
      port: 3002,
      logLevel: 'info',
      databaseUrl: required.DATABASE_URL,
      redisUrl: required.REDIS_URL,
      jwt: { publicKeyPem: keys.publicKeyPem.trim(), issuer: 'qual-meet', audience: 'qual-meet' },
      roomCacheTtlSeconds: 86_400,
    });
  });

  it('reads a public key written on one line with \\n escapes, or from a file', () => {
    const escaped = keys.publicKeyPem.trim().replace(/\n/g, '\\n');
    expect(loadConfig(roomConfigSchema, { ...required, JWT_PUBLIC_KEY: escaped }).jwt).toEqual(
      expect.objectContaining({ publicKeyPem: keys.publicKeyPem.trim() }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'room-config-'));
    try {
      writeFileSync(join(dir, 'jwt.pub'), keys.publicKeyPem);
      const { JWT_PUBLIC_KEY: _unused, ...withoutKey } = required;
      const config = loadConfig(roomConfigSchema, {
        ...withoutKey,
        JWT_PUBLIC_KEY_FILE: join(dir, 'jwt.pub'),
      });
      expect(config.jwt.publicKeyPem).toBe(keys.publicKeyPem.trim());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['DATABASE_URL', { DATABASE_URL: undefined }, 'config: DATABASE_URL is missing'],
    ['REDIS_URL', { REDIS_URL: undefined }, 'config: REDIS_URL is missing'],
    ['JWT_PUBLIC_KEY', { JWT_PUBLIC_KEY: undefined }, 'config: JWT_PUBLIC_KEY is missing'],
    [
      'a private key given as the public key',
      { JWT_PUBLIC_KEY: keys.privateKeyPem },
      /^config: JWT_PUBLIC_KEY is invalid/,
    ],
    ['a zero cache TTL', { ROOM_CACHE_TTL_SECONDS: '0' }, /^config: ROOM_CACHE_TTL_SECONDS/],
    ['a port out of range', { PORT: '70000' }, /^config: PORT is invalid/],
  ])('refuses %s with one line naming the variable', (_case, override, message) => {
    const env = { ...required, ...override };
    expect(() => loadConfig(roomConfigSchema, env)).toThrow(ConfigError);
    expect(() => loadConfig(roomConfigSchema, env)).toThrow(message);
  });
});
