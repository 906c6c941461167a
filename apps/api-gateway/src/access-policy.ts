import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** The only routes reachable without an access token (DESIGN §3). Everything else needs one. */
const PUBLIC_ROUTES = new Set([
  'POST /api/auth/signup',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/auth/logout',
  'GET /api/auth/.well-known/jwks.json',
  'HEAD /api/auth/.well-known/jwks.json',
]);

/** The path of a request without its query string. */
export const pathOf = (request: FastifyRequest) => request.url.split('?', 1)[0] ?? '';

/** A request for the proxied API (not `/healthz`, `/readyz`, `/metrics` or an unknown path). */
export const isApiRoute = (request: FastifyRequest) =>
  request.routeOptions.url?.startsWith('/api/') ?? false;

export function isPublicRoute(request: FastifyRequest): boolean {
  return PUBLIC_ROUTES.has(`${request.method} ${pathOf(request)}`);
}

/**
 * Verifies the bearer token of every proxied request except the public routes, answering 401
 * before any service sees it. Paths no route serves fall through to the 404 handler untouched.
 */
export const accessPolicy = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request) => {
      if (!isApiRoute(request) || request.method === 'OPTIONS' || isPublicRoute(request)) return;
      await app.authenticate(request);
    });
  },
  { name: 'access-policy', dependencies: ['bearer-auth'] },
);
