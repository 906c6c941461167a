import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { STATUS_CODES } from 'node:http';
import { ApiErrorCode } from '@qual-meet/protocol';
import { Errors } from './errors';

const REGISTERED_CODES: ReadonlySet<string> = new Set(Object.values(ApiErrorCode));

/** Turns a lower-level error (a driver's, say) into one of the registry's, or leaves it. */
export type ErrorMapper = (error: unknown) => FastifyError | undefined;

export interface ErrorHandlerOptions {
  /** Service-specific translations, tried before the generic ones (e.g. database outages). */
  mappers?: ErrorMapper[];
}

const FASTIFY_ERRORS: Record<string, () => FastifyError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new Errors.PayloadTooLarge(),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new Errors.UnsupportedMediaType(),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new Errors.InvalidJson(),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new Errors.InvalidJson(),
};

function validationError(error: FastifyError): FastifyError & { field: string } {
  const first = error.validation?.[0];
  const location = error.validationContext ?? 'body';
  const path = first?.instancePath.replace(/^\//, '').replace(/\//g, '.') ?? '';
  const unknownKeys = (first?.params as { keys?: string[] } | undefined)?.keys;
  const field = path || unknownKeys?.[0] || location;
  const reason = unknownKeys ? `unknown field` : (first?.message ?? 'is invalid');
  return Object.assign(new Errors.ValidationFailed(`${location}.${field}: ${reason}`), { field });
}

function normalize(error: unknown, mappers: ErrorMapper[]): FastifyError & { field?: string } {
  for (const map of mappers) {
    const mapped = map(error);
    if (mapped) return mapped;
  }
  if (hasZodFastifySchemaValidationErrors(error)) return validationError(error as FastifyError);
  const fastifyError = error as FastifyError;
  const known = fastifyError?.code ? FASTIFY_ERRORS[fastifyError.code] : undefined;
  if (known) return known();
  if (error instanceof SyntaxError && (error as FastifyError).statusCode === 400) {
    return new Errors.InvalidJson();
  }
  return fastifyError;
}

/**
 * One error shape for every service: `{statusCode, code, error, message, field?}`.
 * Client errors keep their registry code and message; server errors are logged in full and
 * answered with a generic message, so no internal detail leaks.
 */
export const errorHandler = fp<ErrorHandlerOptions>(
  async (app: FastifyInstance, options) => {
    const mappers = options.mappers ?? [];
    app.setErrorHandler((raw: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const error = normalize(raw, mappers);
      const statusCode =
        error.statusCode && error.statusCode >= 400 && error.statusCode <= 599
          ? error.statusCode
          : 500;
      if (statusCode >= 500 && !REGISTERED_CODES.has(error.code)) {
        request.log.error({ err: raw }, 'request failed');
        const internal = new Errors.Internal();
        return reply.code(500).send(body(500, internal.code, internal.message));
      }
      if (statusCode >= 500) request.log.warn({ err: raw }, error.message);
      const extra = error.field ? { field: error.field } : {};
      return reply
        .code(statusCode)
        .send({ ...body(statusCode, error.code, error.message), ...extra });
    });
    app.setNotFoundHandler((_request, reply) => {
      const error = new Errors.NotFound();
      return reply.code(404).send(body(404, error.code, error.message));
    });
  },
  { name: 'error-handler' },
);

function body(statusCode: number, code: string, message: string) {
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
}
