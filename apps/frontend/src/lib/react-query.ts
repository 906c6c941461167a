import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client';

/** Answers that retrying cannot change: the request itself was refused. */
function isFinal(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

/**
 * The one QueryClient of the app. Client errors (404, 403…) are answers, not hiccups, so only
 * network failures and 5xx are retried.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failureCount, error) => !isFinal(error) && failureCount < 2,
      },
      mutations: { retry: false },
    },
  });
}
