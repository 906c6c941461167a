import { createSigner } from 'fast-jwt';
import { generateKeyPairSync } from 'node:crypto';
import { createAccessTokenVerifier, keyIdOf, TokenVerificationError } from './access-token';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKey, publicKey };
}

const current = keyPair();
const next = keyPair();
const userId = '6f1c1a52-8d2e-4a43-9a57-7e0f2b4f7c11';
const claims = { sub: userId, email: 'ada@example.com', iss: 'qual-meet', aud: 'qual-meet' };
const sign = (key: { privateKey: string; publicKey: string }, extra: object = {}) =>
  createSigner({
    key: key.privateKey,
    algorithm: 'RS256',
    kid: keyIdOf(key.publicKey),
    expiresIn: 60_000,
    ...extra,
  })(claims);

describe('createAccessTokenVerifier', () => {
  const verify = createAccessTokenVerifier({
    publicKeys: [current.publicKey, next.publicKey],
    issuer: 'qual-meet',
    audience: 'qual-meet',
  });

  it('returns the caller of a valid token, choosing the key by kid (key rotation)', () => {
    expect(verify(sign(current))).toEqual({
      userId,
      email: 'ada@example.com',
      expiresAtMs: expect.any(Number),
    });
    expect(verify(sign(next))).toEqual({
      userId,
      email: 'ada@example.com',
      expiresAtMs: expect.any(Number),
    });
  });

  it('refuses a token without kid, with an unknown kid, or signed by another key under a known kid', () => {
    const stranger = keyPair();
    expect(() =>
      verify(
        createSigner({ key: current.privateKey, algorithm: 'RS256', expiresIn: 60_000 })(claims),
      ),
    ).toThrow(TokenVerificationError);
    expect(() => verify(sign(stranger))).toThrow('unknown signing key');
    expect(() => verify(sign(stranger, { kid: keyIdOf(current.publicKey) }))).toThrow(
      TokenVerificationError,
    );
  });

  it('refuses a token whose subject is not a user id', () => {
    const token = createSigner({
      key: current.privateKey,
      algorithm: 'RS256',
      kid: keyIdOf(current.publicKey),
      expiresIn: 60_000,
    })({
      ...claims,
      sub: 'admin',
    });
    expect(() => verify(token)).toThrow('unexpected claims');
  });

  it('remembers a verified token only until it expires', () => {
    jest.useFakeTimers({ now: Date.now() });
    try {
      const strict = createAccessTokenVerifier({
        publicKeys: [current.publicKey],
        issuer: 'qual-meet',
        audience: 'qual-meet',
        clockToleranceMs: 0,
      });
      const token = sign(current, { expiresIn: 2_000 });
      expect(strict(token)).toEqual({
        userId,
        email: 'ada@example.com',
        expiresAtMs: expect.any(Number),
      });
      jest.advanceTimersByTime(1_000);
      expect(strict(token)).toEqual({
        userId,
        email: 'ada@example.com',
        expiresAtMs: expect.any(Number),
      });
      jest.advanceTimersByTime(2_000);
      expect(() => strict(token)).toThrow(TokenVerificationError);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses garbage', () => {
    expect(() => verify('')).toThrow(TokenVerificationError);
    expect(() => verify('a.b.c')).toThrow(TokenVerificationError);
  });
});

describe('keyIdOf', () => {
  it('is stable for a key and differs between keys', () => {
    expect(keyIdOf(current.publicKey)).toBe(keyIdOf(current.publicKey));
    expect(keyIdOf(current.publicKey)).not.toBe(keyIdOf(next.publicKey));
    expect(keyIdOf(current.publicKey)).toMatch(/^[\w-]{43}$/);
  });
});
