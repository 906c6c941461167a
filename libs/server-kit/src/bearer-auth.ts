import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type AccessTokenClaims, type AccessTokenVerifier } from './access-token';
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
  verifyAccessToken: AccessTokenVerifier;
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
 * Decorates the instance with `authenticate`, which verifies the bearer token with the shared
 * RS256 verifier and answers 401 `UNAUTHORIZED` (one body for every reason) when it fails.
 */
export const bearerAuth = fp<BearerAuthOptions>(
  async (app: FastifyInstance, { verifyAccessToken }) => {
    app.decorateRequest('auth', null);
    app.decorate('authenticate', async function authenticate(request: FastifyRequest) {
      const token = bearerTokenOf(request);
      if (!token) throw new Errors.Unauthorized();
      try {
        request.auth = verifyAccessToken(token);
      } catch {
        throw new Errors.Unauthorized();
      }
    });
  },
  { name: 'bearer-auth' },
);
