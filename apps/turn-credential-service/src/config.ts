import { z } from 'zod';
import { Limits } from '@qual-meet/protocol';
import {
  intVar,
  listVar,
  listenerVars,
  tokenVerifierConfig,
  tokenVerifierVars,
  urlVar,
} from '@qual-meet/server-kit';

/** A comma-separated list of ICE URLs whose scheme is one of `schemes`; at least one. */
const iceUrlsVar = (...schemes: string[]) =>
  listVar.pipe(
    z
      .array(
        z
          .string()
          .refine(
            (url) => schemes.some((scheme) => url.startsWith(`${scheme}:`)),
            `expected ${schemes.map((s) => `${s}:`).join(' or ')} URLs`,
          ),
      )
      .min(1, 'expected at least one URL'),
  );

/** turn-credential-service configuration, from the environment only. */
export const turnConfigSchema = z
  .object({
    ...listenerVars(3003),
    REDIS_URL: urlVar,
    ...tokenVerifierVars,
    /** coturn's `static-auth-secret` (or via TURN_SECRET_FILE). */
    TURN_SECRET: z.string().min(16, 'expected at least 16 characters'),
    /** e.g. `turn:turn.example.com:3478?transport=udp,turn:…?transport=tcp,turns:…:5349`. */
    TURN_URLS: iceUrlsVar('turn', 'turns'),
    STUN_URLS: iceUrlsVar('stun', 'stuns'),
    /** Lifetime of issued credentials; the contract caps it at one hour. */
    TURN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .max(Limits.maxIceTtlSeconds)
      .default(Limits.maxIceTtlSeconds),
    ICE_RATE_LIMIT_PER_MINUTE: intVar(10),
  })
  .transform((env) => ({
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    redisUrl: env.REDIS_URL,
    jwt: tokenVerifierConfig(env),
    turn: {
      secret: env.TURN_SECRET,
      turnUrls: env.TURN_URLS,
      stunUrls: env.STUN_URLS,
      ttlSeconds: env.TURN_TTL_SECONDS,
    },
    issuanceLimitPerMinute: env.ICE_RATE_LIMIT_PER_MINUTE,
  }));

export type TurnConfig = z.output<typeof turnConfigSchema>;
