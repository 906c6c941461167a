import { z } from 'zod';
import {
  intVar,
  listenerVars,
  tokenVerifierConfig,
  tokenVerifierVars,
  urlVar,
} from '@qual-meet/server-kit';

/** room-service configuration, from the environment only. */
export const roomConfigSchema = z
  .object({
    ...listenerVars(3002),
    DATABASE_URL: urlVar,
    REDIS_URL: urlVar,
    ...tokenVerifierVars,
    /**
     * Lifetime of a `room:{roomId}` cache entry. Postgres stays the truth, so the TTL only bounds
     * how long an untouched meeting occupies Redis memory.
     */
    ROOM_CACHE_TTL_SECONDS: intVar(24 * 60 * 60),
  })
  .transform((env) => ({
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    jwt: tokenVerifierConfig(env),
    roomCacheTtlSeconds: env.ROOM_CACHE_TTL_SECONDS,
  }));

export type RoomConfig = z.output<typeof roomConfigSchema>;
