import { ApiErrorCode } from '@qual-meet/protocol';
import { ApiError, NetworkError } from './api-client';

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
    if (error.status >= 500) {
      return 'Something went wrong on our side. Try again in a moment.';
    }
    return error.message;
  }
  return 'Something unexpected went wrong. Reload the page and try again.';
}
