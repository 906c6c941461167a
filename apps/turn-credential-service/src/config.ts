import { z } from 'zod';
import { Limits } from '@qual-meet/protocol';
import { intVar, listVar, logLevelVar, pemVar, portVar, urlVar } from '@qual-meet/server-kit';

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
    HOST: z.string().default('127.0.0.1'),
    PORT: portVar.default(3003),
    LOG_LEVEL: logLevelVar,
    REDIS_URL: urlVar,
    /** RS256 public key of the auth service (PEM, or a file via JWT_PUBLIC_KEY_FILE). */
    JWT_PUBLIC_KEY: pemVar('PUBLIC KEY'),
    JWT_ISSUER: z.string().min(1).default('qual-meet'),
    JWT_AUDIENCE: z.string().min(1).default('qual-meet'),
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
    jwt: { publicKeyPem: env.JWT_PUBLIC_KEY, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE },
    turn: {
      secret: env.TURN_SECRET,
      turnUrls: env.TURN_URLS,
      stunUrls: env.STUN_URLS,
      ttlSeconds: env.TURN_TTL_SECONDS,
    },
    issuanceLimitPerMinute: env.ICE_RATE_LIMIT_PER_MINUTE,
  }));

export type TurnConfig = z.output<typeof turnConfigSchema>;
