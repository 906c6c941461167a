import { createError } from '@fastify/error';
import { ApiErrorCode } from '@qual-meet/protocol';

/**
 * The error registry shared by every service: each stable code of the HTTP API with its status.
 * Services throw these; the error handler turns them into Fastify's JSON error shape.
 */
export const Errors = {
  ValidationFailed: createError<typeof ApiErrorCode.VALIDATION_FAILED, 400, [string]>(
    ApiErrorCode.VALIDATION_FAILED,
    '%s',
    400,
  ),
  InvalidJson: createError(ApiErrorCode.INVALID_JSON, 'Request body is not valid JSON', 400),
  UnsupportedMediaType: createError(
    ApiErrorCode.UNSUPPORTED_MEDIA_TYPE,
    'Send the body as application/json',
    415,
  ),
  PayloadTooLarge: createError(ApiErrorCode.PAYLOAD_TOO_LARGE, 'Request body is too large', 413),
  NotFound: createError(ApiErrorCode.NOT_FOUND, 'No such endpoint', 404),
  Unauthorized: createError(
    ApiErrorCode.UNAUTHORIZED,
    'A valid access token is required: log in again',
    401,
  ),
  EmailTaken: createError(ApiErrorCode.EMAIL_TAKEN, 'This email is already registered', 409),
  InvalidCredentials: createError(ApiErrorCode.INVALID_CREDENTIALS, 'Wrong email or password', 401),
  InvalidRefreshToken: createError(
    ApiErrorCode.INVALID_REFRESH_TOKEN,
    'Your session has ended: log in again',
    401,
  ),
  RoomNotFound: createError(ApiErrorCode.ROOM_NOT_FOUND, 'No meeting has this id', 404),
  NotHost: createError(ApiErrorCode.NOT_HOST, 'Only the host can do this', 403),
  RateLimited: createError(ApiErrorCode.RATE_LIMITED, 'Too many requests: try again later', 429),
  DatabaseUnavailable: createError(
    ApiErrorCode.DATABASE_UNAVAILABLE,
    'The database is unavailable: try again shortly',
    503,
  ),
  ServiceUnavailable: createError(
    ApiErrorCode.SERVICE_UNAVAILABLE,
    'The service is unavailable: try again shortly',
    503,
  ),
  UpstreamUnavailable: createError(
    ApiErrorCode.UPSTREAM_UNAVAILABLE,
    'A backend service is unavailable: try again shortly',
    503,
  ),
  UpstreamTimeout: createError(
    ApiErrorCode.UPSTREAM_TIMEOUT,
    'A backend service did not answer in time: try again shortly',
    504,
  ),
  Internal: createError(ApiErrorCode.INTERNAL_ERROR, 'Something went wrong on our side', 500),
} as const;
