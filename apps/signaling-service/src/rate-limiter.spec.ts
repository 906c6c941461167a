import { RateLimiter, type RateLimitOptions } from './rate-limiter';

describe('RateLimiter', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };
  const generous = {
    perSecond: 1_000,
    burst: 1_000,
    bytesPerSecond: 1_000_000,
    bytesBurst: 1_000_000,
    offersPerTargetPerMinute: 1_000,
    offersPerTargetBurst: 1_000,
    maxDrops: 4,
  };
  const limiter = (options: Partial<RateLimitOptions>, now: () => number) =>
    new RateLimiter({ ...generous, ...options }, now);

  it('accepts a burst, then drops with one warning per flood and closes a sustained one', () => {
    const time = clock();
    const frames = limiter({ perSecond: 10, burst: 5, maxDrops: 4 }, time.now);
    const decisions = Array.from({ length: 9 }, () => frames.take());
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

  it('refills at the sustained rate; good frames inside a flood do not end it, a quiet second does', () => {
    const time = clock();
    const frames = limiter({ perSecond: 10, burst: 2, maxDrops: 3 }, time.now);
    expect([frames.take(), frames.take(), frames.take()]).toEqual(['accept', 'accept', 'warn']);
    time.advance(100); // one token
    expect(frames.take()).toBe('accept');
    expect(frames.take()).toBe('drop');
    time.advance(10_000);
    expect([frames.take(), frames.take(), frames.take()]).toEqual(['accept', 'accept', 'warn']);
  });

  it('has a byte budget besides the frame count', () => {
    const time = clock();
    const bytes = limiter({ bytesPerSecond: 1_000, bytesBurst: 4_000 }, time.now);
    expect([bytes.take(3_000), bytes.take(1_000), bytes.take(1)]).toEqual([
      'accept',
      'accept',
      'warn',
    ]);
    time.advance(2_000);
    expect(bytes.take(2_000)).toBe('accept');
  });

  it('limits offers per target, each target on its own', () => {
    const time = clock();
    const offers = limiter({ offersPerTargetBurst: 2, offersPerTargetPerMinute: 6 }, time.now);
    expect([offers.takeOffer('b'), offers.takeOffer('b'), offers.takeOffer('b')]).toEqual([
      'accept',
      'accept',
      'warn',
    ]);
    expect(offers.takeOffer('c')).toBe('accept');
    time.advance(10_000); // one offer per 10 s
    expect(offers.takeOffer('b')).toBe('accept');
  });

  it('counts every kind of refusal toward one close', () => {
    const time = clock();
    const mixed = limiter({ offersPerTargetBurst: 1, bytesBurst: 10, maxDrops: 3 }, time.now);
    expect(mixed.takeOffer('b')).toBe('accept');
    expect([mixed.takeOffer('b'), mixed.take(100), mixed.strike()]).toEqual([
      'warn',
      'drop',
      'close',
    ]);
  });
});
