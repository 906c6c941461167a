import { mapDatabaseErrors, postgresPlugin, type Sql } from '@qual-meet/db';
import { redisPlugin, type Redis } from '@qual-meet/redis';
import { bearerAuth, createServiceApp, verifierOptionsFor } from '@qual-meet/server-kit';
import type { RoomConfig } from './config';
import { RoomCache } from './room-cache';
import { RoomStore } from './room-store';
import { roomRoutes } from './routes/room-routes';

export interface RoomDeps {
  sql: Sql;
  /** Best created with `createFailFastRedis`, so reads never wait on a dead Redis. */
  redis: Redis;
}

/** Builds the room service; tests call it directly and use `inject`. */
export async function buildApp(config: RoomConfig, deps: RoomDeps) {
  const app = await createServiceApp({
    name: 'room-service',
    logLevel: config.logLevel,
    metrics: true,
    readiness: { postgres: () => deps.sql`SELECT 1`, redis: () => deps.redis.ping() },
    errorMappers: [mapDatabaseErrors],
  });
  await app.register(postgresPlugin, { sql: deps.sql });
  await app.register(redisPlugin, { redis: deps.redis });
  await app.register(bearerAuth, { tokens: verifierOptionsFor(config.jwt) });
  const cache = new RoomCache(deps.redis, { ttlSeconds: config.roomCacheTtlSeconds });
  await app.register(roomRoutes, { rooms: new RoomStore(deps.sql, cache) });
  return app;
}
