import { z } from 'zod';
import {
  boolVar,
  intVar,
  listenerVars,
  pemVar,
  tokenClaimVars,
  urlVar,
} from '@qual-meet/server-kit';

/** auth-service configuration, from the environment only. */
export const authConfigSchema = z
  .object({
    ...listenerVars(3001),
    DATABASE_URL: urlVar,
    /** RS256 signing key (PEM, or a file via JWT_PRIVATE_KEY_FILE). The public key is derived. */
    JWT_PRIVATE_KEY: pemVar('PRIVATE KEY'),
    ...tokenClaimVars,
    ACCESS_TOKEN_TTL_SECONDS: intVar(15 * 60),
    REFRESH_TOKEN_TTL_DAYS: intVar(14),
    /** A login's session (every rotation after it) ends this long after the login. */
    REFRESH_SESSION_MAX_DAYS: intVar(30),
    /** A rotated refresh token still gets its successor back this long (a reload lost it). */
    REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(60).default(10),
    /** Secure cookies need HTTPS; the local stack on http://localhost turns this off. */
    COOKIE_SECURE: boolVar(true),
  })
  .transform((env) => ({
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL,
    jwt: {
      privateKeyPem: env.JWT_PRIVATE_KEY,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
    },
    refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
    refreshSessionMaxDays: env.REFRESH_SESSION_MAX_DAYS,
    refreshReuseGraceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
    cookieSecure: env.COOKIE_SECURE,
  }));

export type AuthConfig = z.output<typeof authConfigSchema>;
