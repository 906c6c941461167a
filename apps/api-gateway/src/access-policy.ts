import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** What the gateway knows of a route besides its service (set by `upstreams`, DESIGN §3). */
export interface GatewayRoute {
  /** Reachable without an access token: signup, login, refresh, logout, JWKS. */
  public?: boolean;
  /** The stricter limit this route meets on top of the per-caller one. */
  limit?: 'login' | 'signup';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    gateway?: GatewayRoute;
  }
}

/**
 * The route a request matched, as its service will match it. Decisions are taken on the route,
 * never on the raw URL: the router decodes the path (`/api/auth/%6Cogin` is the login route) the
 * same way in the gateway and in the service.
 */
export const gatewayRouteOf = (request: FastifyRequest): GatewayRoute | undefined =>
  request.routeOptions.config.gateway;

/** A request for the proxied API (not `/healthz`, `/readyz`, `/metrics` or an unknown path). */
export const isApiRoute = (request: FastifyRequest) => gatewayRouteOf(request) !== undefined;

/**
 * Verifies the bearer token of every proxied request except the public routes, answering 401
 * before any service sees it. Paths no route serves fall through to the 404 handler untouched.
 */
export const accessPolicy = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRequest', async (request) => {
      const route = gatewayRouteOf(request);
      if (!route || route.public) return;
      await app.authenticate(request);
    });
  },
  { name: 'access-policy', dependencies: ['bearer-auth'] },
);
