import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  accessTokenVerifyOptions,
  claimsOf,
  publicKeysByKid,
  TokenVerificationError,
  type AccessTokenClaims,
  type AccessTokenVerifierOptions,
} from './access-token';
import { Errors } from './errors';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Verifies the request's bearer token and sets `request.auth`, or throws 401. Use it as the
     * `onRequest` hook of routes that need a caller.
     */
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyRequest {
    /** The verified caller, set by `authenticate`. */
    auth: AccessTokenClaims | null;
  }
}

export interface BearerAuthOptions {
  /** Public keys (chosen by `kid`), issuer and audience; see {@link accessTokenVerifyOptions}. */
  tokens: AccessTokenVerifierOptions;
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
export function bearerTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token, ...rest] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token && rest.length === 0 ? token : undefined;
}

/** The caller of a route guarded by `authenticate`. */
export function callerOf(request: FastifyRequest): AccessTokenClaims {
  if (!request.auth) throw new Errors.Unauthorized();
  return request.auth;
}

/**
 * Decorates the instance with `authenticate`: `@fastify/jwt` verifies the bearer token with the
 * shared verifier options (RS256 pinned, `iss`/`aud`/`exp`, the public key its `kid` names, the
 * verified-token cache) and 401 `UNAUTHORIZED` (one body for every reason) when it fails.
 */
export const bearerAuth = fp<BearerAuthOptions>(
  async (app: FastifyInstance, { tokens }) => {
    const keys = publicKeysByKid(tokens);
    await app.register(fastifyJwt, {
      secret: {
        public: (_request, token, callback) => {
          const kid = (token as { header?: { kid?: unknown } }).header?.kid;
          const key = typeof kid === 'string' ? keys.get(kid) : undefined;
          if (key) callback(null, key);
          else callback(new TokenVerificationError('unknown signing key'), '');
        },
      },
      decode: { complete: true },
      verify: accessTokenVerifyOptions(tokens),
    });
    app.decorateRequest('auth', null);
    app.decorate('authenticate', async function authenticate(request: FastifyRequest) {
      if (!bearerTokenOf(request)) throw new Errors.Unauthorized();
      try {
        request.auth = claimsOf(await request.jwtVerify());
      } catch {
        throw new Errors.Unauthorized();
      }
    });
  },
  { name: 'bearer-auth' },
);
