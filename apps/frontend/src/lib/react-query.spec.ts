import { ApiError, NetworkError } from './api-client';
import { describeError, isUnavailable } from './describe-error';
import { createQueryClient } from './react-query';

const unavailable = new ApiError(503, 'DATABASE_UNAVAILABLE', 'Database unavailable');
const refused = new ApiError(403, 'NOT_HOST', 'Only the host can end the meeting');
const broken = new ApiError(500, 'INTERNAL', 'Internal error');

type RetryFn = (failureCount: number, error: unknown) => boolean;

describe('createQueryClient', () => {
  const defaults = createQueryClient().getDefaultOptions();
  const queryRetry = defaults.queries?.retry as RetryFn;
  const mutationRetry = defaults.mutations?.retry as RetryFn;

  it('retries a mutation only through an outage, for about half a minute', () => {
    expect(mutationRetry(0, unavailable)).toBe(true);
    expect(mutationRetry(0, new NetworkError('offline'))).toBe(true);
    expect(mutationRetry(0, new ApiError(502, 'HTTP_502', 'Bad gateway'))).toBe(true);
    expect(mutationRetry(5, unavailable)).toBe(true);
    expect(mutationRetry(6, unavailable)).toBe(false);
    expect(mutationRetry(0, refused)).toBe(false);
    expect(mutationRetry(0, broken)).toBe(false);
    const delay = defaults.mutations?.retryDelay as (attempt: number) => number;
    const total = [0, 1, 2, 3, 4, 5].reduce((sum, attempt) => sum + delay(attempt), 0);
    expect(total).toBeGreaterThanOrEqual(30_000);
  });

  it('retries a query through an outage longer than through other server errors', () => {
    expect(queryRetry(5, unavailable)).toBe(true);
    expect(queryRetry(2, broken)).toBe(false);
    expect(queryRetry(0, refused)).toBe(false);
  });
});

describe('describeError', () => {
  it('says plainly that QUAL_MEET is unavailable and to try again', () => {
    expect(isUnavailable(unavailable)).toBe(true);
    expect(describeError(unavailable)).toBe(
      'QUAL_MEET is unavailable right now. Try again in a minute.',
    );
    expect(describeError(broken)).toMatch(/went wrong on our side/);
  });
});
