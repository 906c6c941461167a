import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { RedisKeys } from '@qual-meet/redis';
import { Errors } from '@qual-meet/server-kit';
import { gatewayRouteOf, isApiRoute } from './access-policy';
import type { RateLimitConfig } from './config';
import { SharedWindowLimiter } from './shared-window-limiter';

export interface RateLimitsOptions {
  redis: Redis;
  limits: RateLimitConfig;
}

interface LimitStatus {
  isAllowed: boolean;
  isExceeded?: boolean;
  remaining?: number;
  ttlInSeconds?: number;
}

const MINUTE_MS = 60_000;

/** The account a login is for, hashed: Redis keys never hold an email address. */
function accountOf(request: FastifyRequest): string | undefined {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  if (typeof email !== 'string' || email.trim() === '') return undefined;
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22);
}

function refuse(reply: FastifyReply, retryAfterSeconds: number | undefined): never {
  reply.header('retry-after', Math.max(1, retryAfterSeconds ?? 1));
  throw new Errors.RateLimited();
}

/** A limiter on the login or signup path fails closed: no Redis, no unlimited guessing. */
async function failClosed(check: () => Promise<LimitStatus>): Promise<LimitStatus> {
  try {
    return await check();
  } catch {
    throw new Errors.ServiceUnavailable();
  }
}

/**
 * Rate limits held in Redis, so they bind across gateway instances (DESIGN §3):
 * every API call per user (or per IP when anonymous); logins per IP and failed logins per
 * account, so rotating IPs does not help; signups per IP. While Redis is down the general limit
 * is enforced by each instance alone (availability); the login and signup limits fail closed
 * (503).
 */
export const rateLimits = fp<RateLimitsOptions>(
  async (app: FastifyInstance, { redis, limits }) => {
    await app.register(rateLimit, {
      global: false,
      redis,
      nameSpace: RedisKeys.rateLimitPrefix('gateway'),
      skipOnError: false,
    });
    const ipExempt = () => !limits.ipLimitsEnabled;

    // The limit every API call meets: counted locally and synced to Redis in batches, so the
    // hot path makes no Redis round trip of its own (see SharedWindowLimiter).
    const apiCalls = new SharedWindowLimiter(redis, {
      prefix: RedisKeys.rateLimitPrefix('gateway'),
      windowMs: MINUTE_MS,
      syncIntervalMs: limits.syncIntervalMs,
    });
    app.addHook('onClose', () => apiCalls.close());
    const loginsPerIp = app.createRateLimit({
      keyGenerator: (r) => `login:ip:${r.ip}`,
      max: limits.loginAttemptsPerIpPerMinute,
      timeWindow: MINUTE_MS,
      allowList: ipExempt,
    });
    const loginFailuresPerAccount = app.createRateLimit({
      keyGenerator: (r) => `login-failures:account:${accountOf(r)}`,
      max: limits.loginFailuresPerAccount,
      timeWindow: limits.loginFailureWindowMinutes * MINUTE_MS,
    });
    const signupsPerIp = app.createRateLimit({
      keyGenerator: (r) => `signup:ip:${r.ip}`,
      max: limits.signupsPerIpPerHour,
      timeWindow: 60 * MINUTE_MS,
      allowList: ipExempt,
    });

    // Runs after the access policy's onRequest hook, so `request.auth` is known; a caller whose
    // token was refused counts as anonymous (its 401 comes after this).
    app.addHook('onRequest', async (request, reply) => {
      if (!isApiRoute(request)) return;
      const { auth } = request;
      if (!auth && ipExempt()) return;
      const verdict = auth
        ? await apiCalls.hit(`api:user:${auth.userId}`, limits.userPerMinute)
        : await apiCalls.hit(`api:ip:${request.ip}`, limits.ipPerMinute);
      if (!verdict.allowed) refuse(reply, verdict.retryAfterSeconds);
    });

    // Bodies are parsed by now: the per-account limit needs the email.
    app.addHook('preHandler', async (request, reply) => {
      const limit = gatewayRouteOf(request)?.limit;
      if (limit === 'login') {
        const perIp = await failClosed(() => loginsPerIp(request));
        if (!perIp.isAllowed && perIp.isExceeded) refuse(reply, perIp.ttlInSeconds);
        if (!accountOf(request)) return;
        const failures = await failClosed(() =>
          loginFailuresPerAccount(request, { increment: false }),
        );
        if (!failures.isAllowed && (failures.remaining ?? 1) <= 0)
          refuse(reply, failures.ttlInSeconds);
      } else if (limit === 'signup') {
        const perIp = await failClosed(() => signupsPerIp(request));
        if (!perIp.isAllowed && perIp.isExceeded) refuse(reply, perIp.ttlInSeconds);
      }
    });

    app.addHook('onResponse', async (request, reply) => {
      if (reply.statusCode !== 401 || gatewayRouteOf(request)?.limit !== 'login') return;
      if (!accountOf(request)) return;
      await loginFailuresPerAccount(request).catch((error: unknown) =>
        request.log.warn({ err: error }, 'could not count a failed login'),
      );
    });
  },
  { name: 'rate-limits', dependencies: ['access-policy'] },
);
