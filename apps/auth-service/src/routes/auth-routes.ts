import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Sql } from '@qual-meet/db';
import { Endpoints, type AuthSession, type User } from '@qual-meet/protocol';
import { callerOf, Errors, routeOf } from '@qual-meet/server-kit';
import type { AccessTokenIssuer } from '../access-tokens';
import type { PasswordHasher } from '../passwords';
import type { IssuedRefreshToken, RefreshTokenStore } from '../refresh-tokens';
import { findUserByEmail, findUserById, insertUser, updatePasswordHash } from '../users';

/** The refresh cookie: httpOnly, SameSite=Strict, only ever sent to `/api/auth`. */
export const REFRESH_COOKIE = 'qm_refresh';
const REFRESH_COOKIE_PATH = '/api/auth';

export interface AuthRoutesOptions {
  sql: Sql;
  passwords: PasswordHasher;
  accessTokens: AccessTokenIssuer;
  refreshTokens: RefreshTokenStore;
  cookieSecure: boolean;
}

/** The auth rows of DESIGN §3 (`Endpoints` of libs/protocol); register without a prefix. */
export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, options) => {
  const { sql, passwords, accessTokens, refreshTokens } = options;
  const cookieOptions = {
    path: REFRESH_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: options.cookieSecure,
  };

  function startSession(
    reply: FastifyReply,
    user: User,
    refreshToken: IssuedRefreshToken,
  ): AuthSession {
    // The cookie lives as long as the token, which never outlives its family.
    reply.setCookie(REFRESH_COOKIE, refreshToken.token, {
      ...cookieOptions,
      maxAge: Math.max(0, Math.floor((refreshToken.expiresAt.getTime() - Date.now()) / 1000)),
    });
    return { user, ...accessTokens.issue(user) };
  }

  const endSession = (reply: FastifyReply) => reply.clearCookie(REFRESH_COOKIE, cookieOptions);

  app.route({
    ...routeOf(Endpoints.signup),
    handler: async (request, reply) => {
      const { email, password } = request.body;
      const passwordHash = await passwords.hash(password);
      // The account and its first refresh token are written together or not at all.
      const created = await sql.begin(async (tx) => {
        const user = await insertUser(tx, email, passwordHash);
        return user && { user, refreshToken: await refreshTokens.issue(user.id, tx) };
      });
      if (!created) throw new Errors.EmailTaken();
      request.log.info({ userId: created.user.id }, 'user signed up');
      return reply.code(201).send(startSession(reply, created.user, created.refreshToken));
    },
  });

  app.route({
    ...routeOf(Endpoints.login),
    handler: async (request, reply) => {
      const { email, password } = request.body;
      const stored = await findUserByEmail(sql, email);
      // An unknown email is verified against a decoy hash: same time, same answer.
      if (!(await passwords.verify(stored?.passwordHash, password)) || !stored) {
        request.log.info({ reason: 'invalid_credentials' }, 'login refused');
        throw new Errors.InvalidCredentials();
      }
      if (passwords.needsRehash(stored.passwordHash)) {
        await updatePasswordHash(sql, stored.user.id, await passwords.hash(password));
      }
      return startSession(reply, stored.user, await refreshTokens.issue(stored.user.id));
    },
  });

  app.route({
    ...routeOf(Endpoints.refresh),
    handler: async (request, reply) => {
      const presented = request.cookies[REFRESH_COOKIE];
      if (!presented) throw new Errors.InvalidRefreshToken();
      const result = await refreshTokens.rotate(presented);
      const issued = result.outcome === 'rotated' || result.outcome === 'reissued';
      const user = issued ? await findUserById(sql, result.userId) : undefined;
      if (!issued || !user) {
        if (result.outcome === 'reused') {
          request.log.warn(
            { userId: result.userId },
            'refresh token reused: session family revoked',
          );
        }
        endSession(reply);
        throw new Errors.InvalidRefreshToken();
      }
      if (result.outcome === 'reissued') {
        request.log.info({ userId: user.id }, 'rotated refresh token re-presented in grace');
      }
      return startSession(reply, user, result);
    },
  });

  app.route({
    ...routeOf(Endpoints.logout),
    handler: async (request, reply) => {
      const presented = request.cookies[REFRESH_COOKIE];
      if (presented) await refreshTokens.revoke(presented);
      endSession(reply);
      return reply.code(204).send(null);
    },
  });

  app.route({
    ...routeOf(Endpoints.me),
    onRequest: app.authenticate,
    handler: async (request) => {
      const user = await findUserById(sql, callerOf(request).userId);
      if (!user) throw new Errors.Unauthorized();
      return { user };
    },
  });

  app.route({
    ...routeOf(Endpoints.jwks),
    handler: async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return accessTokens.jwks;
    },
  });
};
