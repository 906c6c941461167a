import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client';
import { isUnavailable } from './describe-error';

/** Answers that retrying cannot change: the request itself was refused. */
function isFinal(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

/**
 * While a service restarts (its supervisor brings it back within seconds, see
 * docs/OPERATIONS.md) requests are retried for about half a minute: 1, 2, 4, 8, 8… s.
 */
const OUTAGE_RETRIES = 6;
const outageDelay = (attempt: number) => Math.min(8_000, 1_000 * 2 ** attempt);

/**
 * The one QueryClient of the app. Client errors (404, 403…) are answers, not hiccups, so only
 * network failures and 5xx are retried; an outage (`isUnavailable`) longer. Mutations are
 * retried only through an outage, where the request did not get through; the UI says so while
 * it waits (`failureCount`). Logging in is not (its attempts are counted against the account).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failureCount, error) =>
          !isFinal(error) && failureCount < (isUnavailable(error) ? OUTAGE_RETRIES : 2),
        retryDelay: outageDelay,
      },
      mutations: {
        retry: (failureCount, error) => isUnavailable(error) && failureCount < OUTAGE_RETRIES,
        retryDelay: outageDelay,
      },
    },
  });
}
