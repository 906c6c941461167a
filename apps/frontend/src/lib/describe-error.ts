import { ApiErrorCode } from '@qual-meet/protocol';
import { ApiError, NetworkError } from './api-client';

/**
 * The request did not get through: offline, or a part of QUAL_MEET is down or restarting (502
 * from the edge, 503 from the gateway or a service whose database is away, 504). Worth
 * retrying; nothing was refused.
 */
export function isUnavailable(error: unknown): boolean {
  return (
    error instanceof NetworkError ||
    (error instanceof ApiError && [502, 503, 504].includes(error.status))
  );
}

/** Shown while a request that met an outage is retried. */
export const RETRYING = 'QUAL_MEET is unavailable right now. Trying again…';

/**
 * Words for failures any request can meet (offline, overloaded, server trouble). Features
 * handle their own codes first and fall back to this.
 */
export function describeError(error: unknown): string {
  if (error instanceof NetworkError) {
    return 'Cannot reach QUAL_MEET. Check your internet connection, then try again.';
  }
  if (error instanceof ApiError) {
    if (error.code === ApiErrorCode.RATE_LIMITED || error.status === 429) {
      return 'Too many attempts in a short time. Wait a minute, then try again.';
    }
    if (error.status === 401) return 'Your session has expired. Log in again to continue.';
    if (isUnavailable(error)) return 'QUAL_MEET is unavailable right now. Try again in a minute.';
    if (error.status >= 500) {
      return 'Something went wrong on our side. Try again in a moment.';
    }
    return error.message;
  }
  return 'Something unexpected went wrong. Reload the page and try again.';
}
