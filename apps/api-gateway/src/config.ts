import { z } from 'zod';
import {
  boolVar,
  intVar,
  listVar,
  listenerVars,
  tokenVerifierConfig,
  tokenVerifierVars,
  urlVar,
} from '@qual-meet/server-kit';

/** api-gateway configuration, from the environment only. */
export const gatewayConfigSchema = z
  .object({
    ...listenerVars(3000),
    REDIS_URL: urlVar,
    ...tokenVerifierVars,
    AUTH_SERVICE_URL: urlVar,
    ROOM_SERVICE_URL: urlVar,
    TURN_SERVICE_URL: urlVar,
    /** An upstream that does not accept a connection within this is reported down (503). */
    UPSTREAM_CONNECT_TIMEOUT_MS: intVar(1_000),
    /** An upstream that does not answer within this is reported timed out (504). */
    UPSTREAM_TIMEOUT_MS: intVar(10_000),
    /** Most connections the gateway keeps open to each service. */
    UPSTREAM_CONNECTIONS: intVar(64),
    /** An idle connection to a service is closed after this (under the services' own 72 s). */
    UPSTREAM_KEEP_ALIVE_TIMEOUT_MS: intVar(60_000),
    /** Browser origins allowed cross-origin; empty (the default) sends no CORS headers at all. */
    CORS_ORIGINS: listVar.default([]),
    /** Proxies (nginx) whose X-Forwarded-For is believed, as addresses or CIDRs. */
    TRUSTED_PROXIES: listVar.default(['127.0.0.1', '::1']),
    RATE_LIMIT_USER_PER_MINUTE: intVar(600),
    RATE_LIMIT_IP_PER_MINUTE: intVar(600),
    /** How often each instance adds the API calls it counted to the shared counters in Redis. */
    RATE_LIMIT_SYNC_INTERVAL_MS: intVar(100),
    LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: intVar(60),
    LOGIN_FAILURES_PER_ACCOUNT: intVar(10),
    LOGIN_FAILURE_WINDOW_MINUTES: intVar(15),
    SIGNUPS_PER_IP_PER_HOUR: intVar(30),
    /**
     * Per-IP limits on; the local stack turns them off so tests and demos can create many users
     * from 127.0.0.1 (per-user and per-account limits stay on).
     */
    IP_RATE_LIMITS: boolVar(true),
  })
  .transform((env) => ({
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    redisUrl: env.REDIS_URL,
    jwt: tokenVerifierConfig(env),
    upstreams: {
      auth: env.AUTH_SERVICE_URL,
      rooms: env.ROOM_SERVICE_URL,
      turn: env.TURN_SERVICE_URL,
      connectTimeoutMs: env.UPSTREAM_CONNECT_TIMEOUT_MS,
      timeoutMs: env.UPSTREAM_TIMEOUT_MS,
      connections: env.UPSTREAM_CONNECTIONS,
      keepAliveTimeoutMs: env.UPSTREAM_KEEP_ALIVE_TIMEOUT_MS,
    },
    corsOrigins: env.CORS_ORIGINS,
    trustedProxies: env.TRUSTED_PROXIES,
    limits: {
      userPerMinute: env.RATE_LIMIT_USER_PER_MINUTE,
      ipPerMinute: env.RATE_LIMIT_IP_PER_MINUTE,
      syncIntervalMs: env.RATE_LIMIT_SYNC_INTERVAL_MS,
      loginAttemptsPerIpPerMinute: env.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE,
      loginFailuresPerAccount: env.LOGIN_FAILURES_PER_ACCOUNT,
      loginFailureWindowMinutes: env.LOGIN_FAILURE_WINDOW_MINUTES,
      signupsPerIpPerHour: env.SIGNUPS_PER_IP_PER_HOUR,
      ipLimitsEnabled: env.IP_RATE_LIMITS,
    },
  }));

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
export type RateLimitConfig = GatewayConfig['limits'];
