/** What a socket's limiter says about one inbound frame. */
export type RateDecision = 'accept' | 'drop' | 'warn' | 'close';

export interface RateLimitOptions {
  /** Frames added per second. */
  perSecond: number;
  /** Bucket size: the largest burst of frames accepted at once. */
  burst: number;
  /** Bytes (characters of text frames) added per second; no byte budget without it. */
  bytesPerSecond?: number;
  /** The largest burst of bytes accepted at once. */
  bytesBurst?: number;
  /** Offers one sender may send one target per minute, sustained; no offer limit without it. */
  offersPerTargetPerMinute?: number;
  /** Offers one sender may send one target at once. */
  offersPerTargetBurst?: number;
  /** Frames refused in one flood before the socket is closed. */
  maxDrops: number;
}

/** Refusals further apart than this are separate floods. */
const FLOOD_GAP_MS = 1_000;

// Shared by every limiter: a bound function per socket would cost memory on idle sockets.
const monotonicNow = () => performance.now();

/** A token bucket: `rate` tokens a second up to `size`. */
class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly rate: number,
    private readonly size: number,
    now: number,
  ) {
    this.tokens = size;
    this.updatedAt = now;
  }

  take(amount: number, now: number): boolean {
    this.tokens = Math.min(this.size, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
    if (this.tokens < amount) return false;
    this.tokens -= amount;
    return true;
  }
}

/**
 * A socket's limits as a sender: frames per second, bytes per second, and offers per target.
 * A refused frame is dropped; the first refusal of a flood is answered once (`warn`, so the
 * client learns without the server amplifying the flood), and a flood that goes on for
 * `maxDrops` refusals closes the socket. A flood ends when the sender stays within its limits for
 * a second; accepted frames in between do not end it, so mixing good frames into a flood does not
 * dodge the close.
 */
export class RateLimiter {
  private readonly frames: TokenBucket;
  private readonly bytes: TokenBucket | undefined;
  /** Allocated at a member's first offer; at most one per peer of its room. */
  private offers: Map<string, TokenBucket> | undefined;
  private drops = 0;
  private lastDropAt = -Infinity;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = monotonicNow,
  ) {
    const at = now();
    this.frames = new TokenBucket(options.perSecond, options.burst, at);
    const { bytesPerSecond, bytesBurst } = options;
    if (bytesPerSecond !== undefined && bytesBurst !== undefined) {
      this.bytes = new TokenBucket(bytesPerSecond, bytesBurst, at);
    }
  }

  /** Spends one frame and `size` bytes, or says what to do with a frame over the limit. */
  take(size = 0): RateDecision {
    const now = this.now();
    const accepted = this.frames.take(1, now) && (this.bytes?.take(size, now) ?? true);
    return accepted ? 'accept' : this.refuse(now);
  }

  /** Spends one offer to `targetUserId` (after {@link take} accepted the frame). */
  takeOffer(targetUserId: string): RateDecision {
    const { offersPerTargetPerMinute, offersPerTargetBurst } = this.options;
    if (offersPerTargetPerMinute === undefined || offersPerTargetBurst === undefined) {
      return 'accept';
    }
    const now = this.now();
    this.offers ??= new Map();
    let bucket = this.offers.get(targetUserId);
    if (!bucket) {
      bucket = new TokenBucket(offersPerTargetPerMinute / 60, offersPerTargetBurst, now);
      this.offers.set(targetUserId, bucket);
    }
    return bucket.take(1, now) ? 'accept' : this.refuse(now);
  }

  /** A frame refused for a reason of the sender's making found elsewhere (its target is full). */
  strike(): RateDecision {
    return this.refuse(this.now());
  }

  /** The sender left its room: the per-target budgets are of no use any more. */
  forgetTargets(): void {
    this.offers = undefined;
  }

  private refuse(now: number): RateDecision {
    if (now - this.lastDropAt > FLOOD_GAP_MS) this.drops = 0;
    this.lastDropAt = now;
    this.drops += 1;
    if (this.drops >= this.options.maxDrops) return 'close';
    return this.drops === 1 ? 'warn' : 'drop';
  }
}
