import { retryAfterSeconds } from './window-counter';

describe('retryAfterSeconds', () => {
  it.each([
    [60_000, 60],
    [59_001, 60],
    [1_000, 1],
    [999, 1],
    [1, 1],
    [0, 1],
  ])('answers %p ms left as Retry-After: %p', (msLeft, seconds) => {
    expect(retryAfterSeconds(msLeft)).toBe(seconds);
  });
});
