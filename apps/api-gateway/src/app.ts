import cors from '@fastify/cors';
import type { Redis } from 'ioredis';
import { redisPlugin } from '@qual-meet/redis';
import { bearerAuth, createServiceApp, verifierFor } from '@qual-meet/server-kit';
import type { GatewayConfig } from './config';
import { gatewayAccess } from './gateway-access';
import { loginLimits } from './login-limits';
import { securityHeaders } from './security-headers';
import { upstreams } from './upstreams';

export interface GatewayDeps {
  redis: Redis;
}

/**
 * The single entry of the HTTP API: verifies tokens, rate-limits, and forwards to the services.
 * Load order: security headers and CORS, clients, access (verify, count, reject), the login
 * and signup limits, then the proxies.
 */
export async function buildApp(config: GatewayConfig, deps: GatewayDeps) {
  const app = await createServiceApp({
    name: 'api-gateway',
    logLevel: config.logLevel,
    readiness: { redis: () => deps.redis.ping() },
    metrics: true,
    trustProxy: config.trustedProxies,
  });
  await app.register(securityHeaders);
  if (config.corsOrigins.length > 0) {
    await app.register(cors, { origin: config.corsOrigins, credentials: true });
  }
  await app.register(redisPlugin, { redis: deps.redis });
  await app.register(bearerAuth, { verifyAccessToken: verifierFor(config.jwt) });
  await app.register(gatewayAccess, { redis: deps.redis, limits: config.limits });
  await app.register(loginLimits, { redis: deps.redis, limits: config.limits });
  await app.register(upstreams, { config: config.upstreams });
  return app;
}
