/** What a socket's limiter says about one inbound frame. */
export type RateDecision = 'accept' | 'drop' | 'warn' | 'close';

export interface RateLimitOptions {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size: the largest burst accepted at once. */
  burst: number;
  /** Frames dropped in one flood before the socket is closed. */
  maxDrops: number;
}

/**
 * A per-socket token bucket. A frame over the limit is dropped; the first drop of a flood is
 * answered once (`warn`, so the client learns without the server amplifying the flood), and a
 * flood that keeps going for `maxDrops` frames closes the socket. A flood ends when the client
 * slows down enough for a frame to be accepted again.
 */
// Shared by every limiter: a bound function per socket would cost memory on idle sockets.
const monotonicNow = () => performance.now();

export class RateLimiter {
  private tokens: number;
  private updatedAt: number;
  private drops = 0;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = monotonicNow,
  ) {
    this.tokens = options.burst;
    this.updatedAt = now();
  }

  /** Spends one token for a frame, or says what to do with a frame over the limit. */
  take(): RateDecision {
    const now = this.now();
    const refill = ((now - this.updatedAt) / 1000) * this.options.perSecond;
    this.tokens = Math.min(this.options.burst, this.tokens + refill);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.drops = 0;
      return 'accept';
    }
    this.drops += 1;
    if (this.drops >= this.options.maxDrops) return 'close';
    return this.drops === 1 ? 'warn' : 'drop';
  }
}
