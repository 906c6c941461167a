import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('accepts a burst, then drops with one warning per flood and closes a sustained one', () => {
    const time = clock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 5, maxDrops: 4 }, time.now);
    const decisions = Array.from({ length: 9 }, () => limiter.take());
    expect(decisions).toEqual([
      'accept',
      'accept',
      'accept',
      'accept',
      'accept',
      'warn',
      'drop',
      'drop',
      'close',
    ]);
  });

  it('refills at the sustained rate and forgives a flood that stopped', () => {
    const time = clock();
    const limiter = new RateLimiter({ perSecond: 10, burst: 2, maxDrops: 3 }, time.now);
    expect([limiter.take(), limiter.take(), limiter.take()]).toEqual(['accept', 'accept', 'warn']);
    time.advance(100); // one token
    expect(limiter.take()).toBe('accept');
    expect(limiter.take()).toBe('warn');
    time.advance(10_000);
    expect([limiter.take(), limiter.take(), limiter.take()]).toEqual(['accept', 'accept', 'warn']);
  });
});
