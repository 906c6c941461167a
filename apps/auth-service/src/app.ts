import cookie from '@fastify/cookie';
import { mapDatabaseErrors, postgresPlugin, type Sql } from '@qual-meet/db';
import { bearerAuth, createServiceApp, verifierOptionsFor } from '@qual-meet/server-kit';
import { createAccessTokenIssuer } from './access-tokens';
import type { AuthConfig } from './config';
import { createPasswordHasher, type PasswordHasher } from './passwords';
import { RefreshTokenStore } from './refresh-tokens';
import { authRoutes } from './routes/auth-routes';

export interface AuthDeps {
  sql: Sql;
  /** Tests may pass cheaper hashing parameters; production uses the OWASP ones. */
  passwords?: PasswordHasher;
}

/** Builds the auth service; tests call it directly and use `inject`. */
export async function buildApp(config: AuthConfig, deps: AuthDeps) {
  const accessTokens = createAccessTokenIssuer(config.jwt);
  const app = await createServiceApp({
    name: 'auth-service',
    logLevel: config.logLevel,
    readiness: { postgres: () => deps.sql`SELECT 1` },
    errorMappers: [mapDatabaseErrors],
    metrics: true,
  });
  await app.register(cookie);
  await app.register(postgresPlugin, { sql: deps.sql });
  await app.register(bearerAuth, {
    tokens: verifierOptionsFor({ ...config.jwt, publicKeyPem: accessTokens.publicKeyPem }),
  });
  await app.register(authRoutes, {
    sql: deps.sql,
    passwords: deps.passwords ?? (await createPasswordHasher()),
    accessTokens,
    refreshTokens: new RefreshTokenStore(deps.sql, {
      ttlDays: config.refreshTokenTtlDays,
      sessionMaxDays: config.refreshSessionMaxDays,
      reuseGraceSeconds: config.refreshReuseGraceSeconds,
    }),
    cookieSecure: config.cookieSecure,
  });
  return app;
}
