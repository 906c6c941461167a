import { createPublicKey } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import type { Jwks } from '@qual-meet/protocol';
import { ACCESS_TOKEN_ALGORITHM, keyIdOf } from '@qual-meet/server-kit';

export interface AccessTokenIssuerOptions {
  privateKeyPem: string;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
}

export interface AccessTokenIssuer {
  /** The public key in PEM, for this service's own verifier. */
  publicKeyPem: string;
  /** Signs an RS256 access token for a user. */
  issue(user: { id: string; email: string }): { accessToken: string; expiresIn: number };
  /** The public JWKS: only the modulus and exponent, never private parts. */
  jwks: Jwks;
}

export function createAccessTokenIssuer(options: AccessTokenIssuerOptions): AccessTokenIssuer {
  const publicKey = createPublicKey(options.privateKeyPem);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const kid = keyIdOf(publicKeyPem);
  const { n, e } = publicKey.export({ format: 'jwk' });
  if (!n || !e) throw new Error('JWT_PRIVATE_KEY is not an RSA key');
  const sign = createSigner({
    key: options.privateKeyPem,
    algorithm: ACCESS_TOKEN_ALGORITHM,
    kid,
    iss: options.issuer,
    aud: options.audience,
    expiresIn: options.accessTokenTtlSeconds * 1000,
  });
  return {
    publicKeyPem,
    jwks: { keys: [{ kty: 'RSA', kid, use: 'sig', alg: ACCESS_TOKEN_ALGORITHM, n, e }] },
    issue: (user) => ({
      accessToken: sign({ sub: user.id, email: user.email }),
      expiresIn: options.accessTokenTtlSeconds,
    }),
  };
}
