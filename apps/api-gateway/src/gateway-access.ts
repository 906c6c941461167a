import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter } from 'prom-client';
import { RedisKeys, type Redis } from '@qual-meet/redis';
import { Errors } from '@qual-meet/server-kit';
import type { RateLimitConfig } from './config';
import { SharedWindowLimiter } from './shared-window-limiter';

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

/** 429 `RATE_LIMITED` with `Retry-After`. */
export function refuseRateLimited(reply: FastifyReply, retryAfterSeconds: number): never {
  reply.header('retry-after', Math.max(1, retryAfterSeconds));
  throw new Errors.RateLimited();
}

export interface GatewayAccessOptions {
  redis: Redis;
  limits: RateLimitConfig;
}

const MINUTE_MS = 60_000;

/**
 * Who may call a proxied route, in one `onRequest` hook: verify the token, count the call, then
 * reject. A caller is counted per user when its token is valid, else per address (anonymous, or
 * a refused token: it gets 429 rather than more 401s once over). An address already over its
 * anonymous limit is refused before its token costs an RSA verification. The API-call counter
 * is local and synced to Redis in batches (SharedWindowLimiter). Paths no route serves fall
 * through to the 404 handler.
 */
export const gatewayAccess = fp<GatewayAccessOptions>(
  async (app: FastifyInstance, { redis, limits }) => {
    const apiCalls = new SharedWindowLimiter(redis, {
      prefix: RedisKeys.rateLimitPrefix('gateway'),
      windowMs: MINUTE_MS,
      syncIntervalMs: limits.syncIntervalMs,
    });
    app.addHook('onClose', () => apiCalls.close());
    const tokenChecks = new Counter({
      name: 'gateway_token_checks_total',
      help: 'Bearer tokens the gateway verified, by result',
      labelNames: ['result'],
      registers: [app.metrics],
    });

    async function verify(request: FastifyRequest): Promise<Error | undefined> {
      try {
        await app.authenticate(request);
        tokenChecks.inc({ result: 'valid' });
        return undefined;
      } catch (error) {
        tokenChecks.inc({ result: 'refused' });
        return error as Error;
      }
    }

    app.addHook('onRequest', async (request, reply) => {
      const route = gatewayRouteOf(request);
      if (!route) return;
      // The local stack lifts per-address limits (DESIGN §3); per-user ones always apply.
      const addressKey = limits.ipLimitsEnabled ? `api:ip:${request.ip}` : undefined;
      if (!route.public && addressKey) {
        const flood = apiCalls.peek(addressKey, limits.ipPerMinute);
        if (!flood.allowed) refuseRateLimited(reply, flood.retryAfterSeconds);
      }
      const failure = route.public ? undefined : await verify(request);
      const { auth } = request;
      const verdict = auth
        ? await apiCalls.hit(`api:user:${auth.userId}`, limits.userPerMinute)
        : addressKey && (await apiCalls.hit(addressKey, limits.ipPerMinute));
      if (verdict && !verdict.allowed) refuseRateLimited(reply, verdict.retryAfterSeconds);
      if (failure) throw failure;
    });
  },
  { name: 'gateway-access', dependencies: ['bearer-auth', 'metrics-routes'] },
);
