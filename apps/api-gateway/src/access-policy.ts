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
  interface FastifyRequest {
    /** Why the token of a guarded route was refused; answered after the rate limits. */
    authFailure: Error | null;
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
 * Verifies the bearer token of every proxied request except the public routes, and answers 401
 * before any service sees a request that fails. The verdict is taken on arrival but delivered
 * once the rate limits have run (before the body is read): a caller without a valid token is
 * counted against its address like any anonymous caller, and gets 429 rather than another 401
 * once over that limit. Paths no route serves fall through to the 404 handler.
 */
export const accessPolicy = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('authFailure', null);
    app.addHook('onRequest', async (request) => {
      const route = gatewayRouteOf(request);
      if (!route || route.public) return;
      try {
        await app.authenticate(request);
      } catch (error) {
        request.authFailure = error as Error;
      }
    });
    // The rate limits' onRequest hook runs between the two.
    app.addHook('preParsing', async (request) => {
      if (request.authFailure) throw request.authFailure;
    });
  },
  { name: 'access-policy', dependencies: ['bearer-auth'] },
);
