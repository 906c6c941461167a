import { ConfigError, loadConfig } from '@qual-meet/server-kit';
import { generateTestKeyPair } from '@qual-meet/testing';
import { turnConfigSchema } from './config';

const keys = generateTestKeyPair();
const required = {
  REDIS_URL: 'redis://127.0.0.1:6379/0',
  JWT_PUBLIC_KEY: keys.publicKeyPem,
  TURN_SECRET: '0123456789abcdef0123456789abcdef',
  TURN_URLS: 'turn:127.0.0.1:3478?transport=udp, turn:127.0.0.1:3478?transport=tcp',
  STUN_URLS: 'stun:127.0.0.1:3478',
};

describe('turn-credential-service config', () => {
  it('applies the defaults: port 3003, one-hour credentials, 10 issuances a minute', () => {
    expect(loadConfig(turnConfigSchema, required)).toEqual({
      host: '127.0.0.1',
      port: 3003,
      logLevel: 'info',
      redisUrl: required.REDIS_URL,
      jwt: { publicKeyPem: keys.publicKeyPem.trim(), issuer: 'qual-meet', audience: 'qual-meet' },
      turn: {
        secret: required.TURN_SECRET,
        turnUrls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'],
        stunUrls: ['stun:127.0.0.1:3478'],
        ttlSeconds: 3600,
      },
      issuanceLimitPerMinute: 10,
    });
  });

  it('accepts a ttl up to the 3600 s the contract allows, and turns: URLs', () => {
    const config = loadConfig(turnConfigSchema, {
      ...required,
      TURN_TTL_SECONDS: '3600',
      TURN_URLS: 'turn:t.example.com:3478,turns:t.example.com:5349?transport=tcp',
    });
    expect(config.turn.ttlSeconds).toBe(3600);
    expect(config.turn.turnUrls).toHaveLength(2);
    expect(
      loadConfig(turnConfigSchema, { ...required, TURN_TTL_SECONDS: '60' }).turn.ttlSeconds,
    ).toBe(60);
  });

  it.each([
    ['a ttl over 3600 s', { TURN_TTL_SECONDS: '3601' }, /^config: TURN_TTL_SECONDS is invalid/],
    ['a zero ttl', { TURN_TTL_SECONDS: '0' }, /^config: TURN_TTL_SECONDS is invalid/],
    ['no TURN secret', { TURN_SECRET: undefined }, 'config: TURN_SECRET is missing'],
    ['a short TURN secret', { TURN_SECRET: 'short' }, /^config: TURN_SECRET is invalid/],
    ['no TURN URLs', { TURN_URLS: undefined }, 'config: TURN_URLS is missing'],
    ['an empty TURN URL list', { TURN_URLS: ' , ' }, /^config: TURN_URLS is invalid/],
    ['a STUN URL among the TURN URLs', { TURN_URLS: 'stun:x:3478' }, /^config: TURN_URLS/],
    ['a TURN URL among the STUN URLs', { STUN_URLS: 'turn:x:3478' }, /^config: STUN_URLS/],
    ['no public key', { JWT_PUBLIC_KEY: undefined }, 'config: JWT_PUBLIC_KEY is missing'],
    ['a zero rate limit', { ICE_RATE_LIMIT_PER_MINUTE: '0' }, /^config: ICE_RATE_LIMIT_PER_MINUTE/],
  ])('refuses %s with one line naming the variable', (_case, override, message) => {
    const env = { ...required, ...override };
    expect(() => loadConfig(turnConfigSchema, env)).toThrow(ConfigError);
    expect(() => loadConfig(turnConfigSchema, env)).toThrow(message);
  });

  it('never echoes the secret in its error', () => {
    const secret = 'tiny';
    expect(() => loadConfig(turnConfigSchema, { ...required, TURN_SECRET: secret })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secret) }),
    );
  });
});
