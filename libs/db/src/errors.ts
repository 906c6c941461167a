import type { FastifyError } from 'fastify';
import { Errors, type ErrorMapper } from '@qual-meet/server-kit';

/** Driver and socket codes postgres.js reports when the server cannot be reached. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/** True when `error` means "the database is down or unreachable", not "the query was wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  // SQLSTATE 08xxx: connection exceptions; 57P0x: server shutting down; 53300: too many clients.
  return (
    CONNECTION_CODES.has(code) ||
    code.startsWith('08') ||
    code.startsWith('57P') ||
    code === '53300'
  );
}

/** Error mapper for `createServiceApp`: database outages become 503 `DATABASE_UNAVAILABLE`. */
export const mapDatabaseErrors: ErrorMapper = (error): FastifyError | undefined =>
  isDatabaseUnavailable(error) ? new Errors.DatabaseUnavailable() : undefined;
