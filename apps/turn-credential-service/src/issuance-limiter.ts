import { addToWindow, RedisKeys, retryAfterSeconds, type Redis } from '@qual-meet/redis';

/** The fixed window of `ICE_RATE_LIMIT_PER_MINUTE`. */
export const ISSUANCE_WINDOW_MS = 60_000;

export interface IssuanceVerdict {
  allowed: boolean;
  /** Issuances counted in the current window, this one included. */
  count: number;
  /** Whole seconds until the window ends (at least 1): the `Retry-After` value. */
  retryAfterSeconds: number;
}

/**
 * Per-user fixed-window counter of TURN credential issuance, shared by every replica. Exact:
 * one Redis round trip per issuance, which is rare (a few per call).
 */
export class IssuanceLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limitPerWindow: number,
  ) {}

  get limit(): number {
    return this.limitPerWindow;
  }

  /** Counts a request of `userId`; rejects when Redis fails. */
  async take(userId: string): Promise<IssuanceVerdict> {
    const { count, msLeft } = await addToWindow(
      this.redis,
      RedisKeys.iceIssuance(userId),
      1,
      ISSUANCE_WINDOW_MS,
    );
    return {
      allowed: count <= this.limitPerWindow,
      count,
      retryAfterSeconds: retryAfterSeconds(msLeft),
    };
  }
}
