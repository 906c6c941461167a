import { z } from 'zod';
import { roomIdSchema, userIdSchema } from './ids';
import { Limits } from './limits';

/** Stable error codes of the HTTP API (DESIGN §3); clients branch on these, never on messages. */
export const ApiErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  INVALID_JSON: 'INVALID_JSON',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHORIZED: 'UNAUTHORIZED',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  INVALID_REFRESH_TOKEN: 'INVALID_REFRESH_TOKEN',
  ROOM_NOT_FOUND: 'ROOM_NOT_FOUND',
  NOT_HOST: 'NOT_HOST',
  RATE_LIMITED: 'RATE_LIMITED',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/** Every error response: Fastify's own shape, plus the offending field for validation errors. */
export const apiErrorSchema = z.object({
  statusCode: z.number().int(),
  code: z.string(),
  error: z.string(),
  message: z.string(),
  field: z.string().optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** Emails are compared trimmed and lower-cased. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(Limits.emailMaxLength)
  .pipe(z.email());

export const passwordSchema = z
  .string()
  .min(Limits.passwordMinLength)
  .max(Limits.passwordMaxLength);

export const credentialsSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
});
export const signupBodySchema = credentialsSchema;
/** Login accepts any non-empty password up to the maximum: a short one is simply wrong. */
export const loginBodySchema = z.strictObject({
  email: emailSchema,
  password: z.string().min(1).max(Limits.passwordMaxLength),
});
export type SignupBody = z.infer<typeof signupBodySchema>;
export type LoginBody = z.infer<typeof loginBodySchema>;

export const userSchema = z.object({
  id: userIdSchema,
  email: z.string(),
  createdAt: z.iso.datetime(),
});
export type User = z.infer<typeof userSchema>;

export const authSessionSchema = z.object({
  user: userSchema,
  accessToken: z.string(),
  /** Seconds until `accessToken` expires. */
  expiresIn: z.number().int().positive(),
});
export type AuthSession = z.infer<typeof authSessionSchema>;

export const meResponseSchema = z.object({ user: userSchema });
export type MeResponse = z.infer<typeof meResponseSchema>;

export const jwkSchema = z.object({
  kty: z.literal('RSA'),
  kid: z.string(),
  use: z.literal('sig'),
  alg: z.literal('RS256'),
  n: z.string(),
  e: z.string(),
});
export const jwksSchema = z.object({ keys: z.array(jwkSchema) });
export type Jwk = z.infer<typeof jwkSchema>;
export type Jwks = z.infer<typeof jwksSchema>;

export const createRoomBodySchema = z.strictObject({
  maxParticipants: z
    .number()
    .int()
    .min(Limits.minParticipants)
    .max(Limits.maxParticipants)
    .default(Limits.defaultParticipants),
});
export type CreateRoomBody = z.infer<typeof createRoomBodySchema>;

export const roomParamsSchema = z.strictObject({ id: roomIdSchema });
export type RoomParams = z.infer<typeof roomParamsSchema>;

export const roomSchema = z.object({
  id: roomIdSchema,
  hostId: userIdSchema,
  isActive: z.boolean(),
  maxParticipants: z.number().int(),
  createdAt: z.iso.datetime(),
});
export type Room = z.infer<typeof roomSchema>;

export const roomListSchema = z.object({ rooms: z.array(roomSchema) });
export type RoomList = z.infer<typeof roomListSchema>;

export const iceServerSchema = z.object({
  urls: z.array(z.string()),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export const iceServersResponseSchema = z.object({
  iceServers: z.array(iceServerSchema),
  /** Seconds the TURN credentials stay valid. */
  ttl: z.number().int().positive().max(Limits.maxIceTtlSeconds),
});
export type IceServer = z.infer<typeof iceServerSchema>;
export type IceServersResponse = z.infer<typeof iceServersResponseSchema>;
