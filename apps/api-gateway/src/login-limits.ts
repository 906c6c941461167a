import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createHash } from 'node:crypto';
import {
  RedisKeys,
  releaseFromWindow,
  reserveInWindows,
  retryAfterSeconds,
  type Redis,
  type WindowLimit,
} from '@qual-meet/redis';
import { Errors } from '@qual-meet/server-kit';
import type { RateLimitConfig } from './config';
import { gatewayRouteOf, refuseRateLimited } from './gateway-access';

export interface LoginLimitsOptions {
  redis: Redis;
  limits: RateLimitConfig;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The per-account login reservation this request holds, given back if the login succeeds. */
    loginAccountKey: string | null;
  }
}

const MINUTE_MS = 60_000;
const PREFIX = RedisKeys.rateLimitPrefix('gateway');

/** The account a login is for, hashed: Redis keys never hold an email address. */
function accountOf(request: FastifyRequest): string | undefined {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  if (typeof email !== 'string' || email.trim() === '') return undefined;
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
}

/** A limiter on the login or signup path fails closed: no Redis, no unlimited guessing. */
async function failClosed<T>(check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch {
    throw new Errors.ServiceUnavailable();
  }
}

/**
 * The login and signup limits (DESIGN §3), exact and shared through Redis, failing closed (503)
 * while Redis is down. A login reserves its attempt — per address, and per account so rotating
 * addresses does not help — in one script *before* the password is verified, so concurrent
 * guesses cannot all get through; a successful login gives the account's unit back (that limit
 * counts failures; the address limit counts attempts). Signups are counted per address.
 */
export const loginLimits = fp<LoginLimitsOptions>(
  async (app: FastifyInstance, { redis, limits }) => {
    await app.register(rateLimit, {
      global: false,
      redis,
      nameSpace: PREFIX,
      skipOnError: false,
    });
    const signupsPerIp = app.createRateLimit({
      keyGenerator: (r) => `signup:ip:${r.ip}`,
      max: limits.signupsPerIpPerHour,
      timeWindow: 60 * MINUTE_MS,
      allowList: () => !limits.ipLimitsEnabled,
    });
    app.decorateRequest('loginAccountKey', null);

    /** The account's limit (when the body names one) and the address's (when on). */
    function loginLimitsOf(request: FastifyRequest): { account?: WindowLimit; ip?: WindowLimit } {
      const account = accountOf(request);
      return {
        account: account
          ? {
              key: `${PREFIX}login:account:${account}`,
              max: limits.loginFailuresPerAccount,
              windowMs: limits.loginFailureWindowMinutes * MINUTE_MS,
            }
          : undefined,
        ip: limits.ipLimitsEnabled
          ? {
              key: `${PREFIX}login:ip:${request.ip}`,
              max: limits.loginAttemptsPerIpPerMinute,
              windowMs: MINUTE_MS,
            }
          : undefined,
      };
    }

    // Bodies are parsed by now: the per-account limit needs the email.
    app.addHook('preHandler', async (request, reply) => {
      const limit = gatewayRouteOf(request)?.limit;
      if (limit === 'login') {
        const { account, ip } = loginLimitsOf(request);
        const wanted = [account, ip].filter((l): l is WindowLimit => l !== undefined);
        const reservation = await failClosed(() => reserveInWindows(redis, wanted));
        if (!reservation.reserved) refuseRateLimited(reply, retryAfterSeconds(reservation.msLeft));
        request.loginAccountKey = account?.key ?? null;
      } else if (limit === 'signup') {
        const perIp = await failClosed(() => signupsPerIp(request));
        if (!perIp.isAllowed && perIp.isExceeded) refuseRateLimited(reply, perIp.ttlInSeconds ?? 1);
      }
    });

    app.addHook('onResponse', async (request, reply) => {
      const key = request.loginAccountKey;
      if (!key || reply.statusCode < 200 || reply.statusCode >= 300) return;
      await releaseFromWindow(redis, key).catch((error: unknown) =>
        request.log.warn({ err: error }, 'could not give back a login reservation'),
      );
    });
  },
  { name: 'login-limits', dependencies: ['gateway-access'] },
);
