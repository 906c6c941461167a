import { generateKeyPairSync, createHmac } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import { keyIdOf } from '@qual-meet/server-kit';

export interface TestKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
  kid: string;
}

/** A fresh RS256 key pair, as the auth service would be configured with. */
export function generateTestKeyPair(): TestKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey, kid: keyIdOf(publicKey) };
}

export interface TokenClaims {
  sub: string;
  email: string;
  iss: string;
  aud: string;
}

/** The claims auth-service puts in a user's access token (issuer and audience `qual-meet`). */
export function claimsFor(sub: string, email = `${sub}@example.com`): TokenClaims {
  return { sub, email, iss: 'qual-meet', aud: 'qual-meet' };
}

export interface SignOptions {
  /** Lifetime from `issuedAtMs`. */
  expiresInMs?: number;
  /** Pretend the token was issued at this time (e.g. long ago, for an expired token). */
  issuedAtMs?: number;
  kid?: string;
}

/** An RS256 token signed with `keys`, like the auth service issues (or, with options, expired). */
export function signTestToken(
  keys: TestKeyPair,
  claims: TokenClaims,
  options: SignOptions = {},
): string {
  const sign = createSigner({
    key: keys.privateKeyPem,
    algorithm: 'RS256',
    kid: options.kid ?? keys.kid,
    expiresIn: options.expiresInMs ?? 15 * 60_000,
    clockTimestamp: options.issuedAtMs ?? Date.now(),
  });
  return sign(claims);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token (`alg: none`): every verifier must refuse it. */
export function unsignedToken(claims: TokenClaims, kid?: string): string {
  const now = Math.floor(Date.now() / 1000);
  return `${base64url({ alg: 'none', typ: 'JWT', kid })}.${base64url({ ...claims, iat: now, exp: now + 900 })}.`;
}

/**
 * An HS256 token keyed with the verifier's own public key — the classic algorithm-confusion
 * forgery. A verifier that does not pin RS256 would accept it.
 */
export function hs256WithPublicKey(keys: TestKeyPair, claims: TokenClaims): string {
  const now = Math.floor(Date.now() / 1000);
  const head = `${base64url({ alg: 'HS256', typ: 'JWT', kid: keys.kid })}.${base64url({ ...claims, iat: now, exp: now + 900 })}`;
  return `${head}.${createHmac('sha256', keys.publicKeyPem).update(head).digest('base64url')}`;
}

/** `token` with one character of its payload changed, so its signature no longer matches. */
export function tamperedToken(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  return `${header}.${base64url({ ...claims, email: `x${String(claims.email)}` })}.${signature}`;
}

/**
 * Every kind of bad access token, by name, each made from `claims` (a real caller's) so that only
 * the named defect is wrong. Every verifier must refuse all of them alike.
 */
export function badTokens(
  keys: TestKeyPair,
  claims: TokenClaims,
  validToken: string,
): Record<string, string> {
  const stranger = generateTestKeyPair();
  return {
    garbage: 'not.a.token',
    'alg none': unsignedToken(claims, keys.kid),
    'HS256 keyed with the public key': hs256WithPublicKey(keys, claims),
    tampered: tamperedToken(validToken),
    expired: signTestToken(keys, claims, { issuedAtMs: Date.now() - 3_600_000 }),
    'wrong audience': signTestToken(keys, { ...claims, aud: 'someone-else' }),
    'wrong issuer': signTestToken(keys, { ...claims, iss: 'evil' }),
    'another key': signTestToken(stranger, claims),
    'another key, same kid': signTestToken(stranger, claims, { kid: keys.kid }),
  };
}

/** {@link badTokens} as `Authorization` headers, plus a missing header and a non-bearer scheme. */
export function badAuthorizationHeaders(
  keys: TestKeyPair,
  claims: TokenClaims,
  validToken: string,
): Record<string, string | undefined> {
  return {
    missing: undefined,
    'not a bearer scheme': `Basic ${validToken}`,
    ...Object.fromEntries(
      Object.entries(badTokens(keys, claims, validToken)).map(([name, token]) => [
        name,
        `Bearer ${token}`,
      ]),
    ),
  };
}
