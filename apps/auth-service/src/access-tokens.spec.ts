import { generateKeyPairSync } from 'node:crypto';
import { createAccessTokenVerifier, keyIdOf } from '@qual-meet/server-kit';
import { createAccessTokenIssuer } from './access-tokens';

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const issuer = createAccessTokenIssuer({
  privateKeyPem: privateKey,
  issuer: 'qual-meet',
  audience: 'qual-meet',
  accessTokenTtlSeconds: 900,
});
const user = { id: '6f1c1a52-8d2e-4a43-9a57-7e0f2b4f7c11', email: 'ada@example.com' };

describe('createAccessTokenIssuer', () => {
  it('derives the public key and its kid from the private key', () => {
    expect(issuer.publicKeyPem.trim()).toBe(publicKey.trim());
    expect(issuer.jwks.keys[0]?.kid).toBe(keyIdOf(publicKey));
  });

  it('publishes only public parts in the JWKS', () => {
    expect(Object.keys(issuer.jwks.keys[0]!).sort()).toEqual([
      'alg',
      'e',
      'kid',
      'kty',
      'n',
      'use',
    ]);
  });

  it('issues tokens the shared verifier accepts, valid for the configured time', () => {
    const { accessToken, expiresIn } = issuer.issue(user);
    expect(expiresIn).toBe(900);
    const verify = createAccessTokenVerifier({
      publicKeys: [publicKey],
      issuer: 'qual-meet',
      audience: 'qual-meet',
    });
    expect(verify(accessToken)).toEqual({
      userId: user.id,
      email: user.email,
      expiresAtMs: expect.any(Number),
    });
  });

  it('refuses a key that is not RSA', () => {
    const ec = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    expect(() =>
      createAccessTokenIssuer({
        privateKeyPem: ec.privateKey,
        issuer: 'x',
        audience: 'x',
        accessTokenTtlSeconds: 60,
      }),
    ).toThrow();
  });
});
