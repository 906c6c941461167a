import { createHash, createPublicKey } from 'node:crypto';
import { createDecoder, createVerifier, type VerifierOptions } from 'fast-jwt';
import { z } from 'zod';
import { userIdSchema } from '@qual-meet/protocol';
import type { TokenVerifierConfig } from './config';

/** The one algorithm access tokens are signed with; verifiers accept nothing else. */
export const ACCESS_TOKEN_ALGORITHM = 'RS256';

/** Who an access token speaks for, once verified. */
export interface AccessTokenClaims {
  userId: string;
  email: string;
  /** When the token expires (its `exp`), in ms since the epoch: open sockets end then. */
  expiresAtMs: number;
}

export class TokenVerificationError extends Error {
  override readonly name = 'TokenVerificationError';
}

export interface AccessTokenVerifierOptions {
  /** Public keys in PEM; a token is checked with the one whose key id matches its `kid`. */
  publicKeys: readonly string[];
  issuer: string;
  audience: string;
  /** Allowed clock skew between signer and verifier. */
  clockToleranceMs?: number;
}

/** Verifies an access token string, resolving its claims or throwing {@link TokenVerificationError}. */
export type AccessTokenVerifier = (token: string) => AccessTokenClaims;

const claimsSchema = z.object({ sub: userIdSchema, email: z.string().min(3), exp: z.number() });

/** How many verified tokens each verifier remembers (fast-jwt's cache, until each expires). */
const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * The fast-jwt verifier options every verifier of access tokens uses — `@fastify/jwt` in the
 * Fastify services and fast-jwt directly in signaling — so the rules cannot drift: `alg` pinned
 * to RS256 (so `none` and HS256-keyed-with-the-public-key are refused), `iss`, `aud`, `exp` and
 * `iat` required and checked with a small clock tolerance, and verified tokens cached until they
 * expire (a client sends the same token with every request for fifteen minutes).
 */
export function accessTokenVerifyOptions(options: AccessTokenVerifierOptions) {
  return {
    algorithms: [ACCESS_TOKEN_ALGORITHM],
    allowedIss: options.issuer,
    allowedAud: options.audience,
    requiredClaims: ['sub', 'iss', 'aud', 'exp', 'iat'],
    clockTolerance: options.clockToleranceMs ?? 5_000,
    cache: VERIFIED_TOKEN_CACHE_SIZE,
  } satisfies Partial<VerifierOptions>;
}

/** The public keys by key id: a token is checked with the key its `kid` names, or refused. */
export function publicKeysByKid(options: AccessTokenVerifierOptions): ReadonlyMap<string, string> {
  return new Map(options.publicKeys.map((pem) => [keyIdOf(pem), pem]));
}

/** The caller of a verified payload, or {@link TokenVerificationError} for unexpected claims. */
export function claimsOf(payload: unknown): AccessTokenClaims {
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new TokenVerificationError('unexpected claims');
  return {
    userId: claims.data.sub,
    email: claims.data.email,
    expiresAtMs: claims.data.exp * 1000,
  };
}

/**
 * The key id of an RSA public key: its RFC 7638 JWK thumbprint. Signer and verifiers derive it
 * from the key itself, so no separate `kid` setting can drift out of step.
 */
export function keyIdOf(publicKeyPem: string): string {
  const jwk = createPublicKey(publicKeyPem).export({ format: 'jwk' });
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * The access-token check for code outside Fastify (signaling): fast-jwt with
 * {@link accessTokenVerifyOptions}, the key chosen by `kid`. Synchronous.
 */
export function createAccessTokenVerifier(
  options: AccessTokenVerifierOptions,
): AccessTokenVerifier {
  const decodeHeader = createDecoder({ complete: true });
  const verifyOptions = accessTokenVerifyOptions(options);
  const verifiers = new Map(
    [...publicKeysByKid(options)].map(([kid, pem]) => [
      kid,
      createVerifier({ key: pem, ...verifyOptions }),
    ]),
  );
  return (token) => {
    let kid: unknown;
    try {
      kid = (decodeHeader(token) as { header: { kid?: unknown } }).header.kid;
    } catch {
      throw new TokenVerificationError('malformed token');
    }
    const verify = typeof kid === 'string' ? verifiers.get(kid) : undefined;
    if (!verify) throw new TokenVerificationError('unknown signing key');
    let payload: unknown;
    try {
      payload = verify(token);
    } catch (error) {
      throw new TokenVerificationError((error as Error).message);
    }
    return claimsOf(payload);
  };
}

/** Verifier options for a service's token config (one key today; a list makes rotation possible). */
export function verifierOptionsFor(config: TokenVerifierConfig): AccessTokenVerifierOptions {
  return { publicKeys: [config.publicKeyPem], issuer: config.issuer, audience: config.audience };
}

/** The synchronous verifier for a service's token config (signaling). */
export function verifierFor(config: TokenVerifierConfig): AccessTokenVerifier {
  return createAccessTokenVerifier(verifierOptionsFor(config));
}
