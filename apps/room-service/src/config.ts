import { z } from 'zod';
import { intVar, logLevelVar, pemVar, portVar, urlVar } from '@qual-meet/server-kit';

/** room-service configuration, from the environment only. */
export const roomConfigSchema = z
  .object({
    HOST: z.string().default('127.0.0.1'),
    PORT: portVar.default(3002),
    LOG_LEVEL: logLevelVar,
    DATABASE_URL: urlVar,
    REDIS_URL: urlVar,
    /** RS256 public key of the auth service (PEM, or a file via JWT_PUBLIC_KEY_FILE). */
    JWT_PUBLIC_KEY: pemVar('PUBLIC KEY'),
    JWT_ISSUER: z.string().min(1).default('qual-meet'),
    JWT_AUDIENCE: z.string().min(1).default('qual-meet'),
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
    jwt: { publicKeyPem: env.JWT_PUBLIC_KEY, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE },
    roomCacheTtlSeconds: env.ROOM_CACHE_TTL_SECONDS,
  }));

export type RoomConfig = z.output<typeof roomConfigSchema>;
