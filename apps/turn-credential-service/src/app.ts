import { redisPlugin, type Redis } from '@qual-meet/redis';
import { bearerAuth, createServiceApp, verifierOptionsFor } from '@qual-meet/server-kit';
import type { TurnConfig } from './config';
import { IssuanceLimiter } from './issuance-limiter';
import { iceRoutes } from './routes/ice-routes';

export interface TurnDeps {
  /** Best created with `createFailFastRedis`, so a dead Redis is refused at once. */
  redis: Redis;
}

/** Builds the TURN credential service; tests call it directly and use `inject`. */
export async function buildApp(config: TurnConfig, deps: TurnDeps) {
  const app = await createServiceApp({
    name: 'turn-credential-service',
    logLevel: config.logLevel,
    metrics: true,
    readiness: { redis: () => deps.redis.ping() },
  });
  await app.register(redisPlugin, { redis: deps.redis });
  await app.register(bearerAuth, { tokens: verifierOptionsFor(config.jwt) });
  await app.register(iceRoutes, {
    turn: config.turn,
    limiter: new IssuanceLimiter(deps.redis, config.issuanceLimitPerMinute),
  });
  return app;
}
