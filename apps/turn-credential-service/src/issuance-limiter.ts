import type { Redis } from 'ioredis';
import { RedisKeys } from '@qual-meet/redis';
import { defineCountIssuanceCommand } from './issuance-limit-script';

/** The fixed window of `ICE_RATE_LIMIT_PER_MINUTE`. */
export const ISSUANCE_WINDOW_MS = 60_000;

export interface IssuanceVerdict {
  allowed: boolean;
  /** Issuances counted in the current window, this one included. */
  count: number;
  /** Whole seconds until the window ends (at least 1): the `Retry-After` value. */
  retryAfterSeconds: number;
}

/** `Retry-After` for a window with `msLeft` milliseconds left: rounded up, never 0. */
export const retryAfterSeconds = (msLeft: number): number => Math.max(1, Math.ceil(msLeft / 1000));

/** Per-user fixed-window counter of TURN credential issuance, shared by every replica. */
export class IssuanceLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limitPerWindow: number,
  ) {
    defineCountIssuanceCommand(redis);
  }

  get limit(): number {
    return this.limitPerWindow;
  }

  /** Counts a request of `userId`; rejects when Redis fails. */
  async take(userId: string): Promise<IssuanceVerdict> {
    const [count, msLeft] = await this.redis.countIssuance(
      RedisKeys.iceIssuance(userId),
      ISSUANCE_WINDOW_MS,
    );
    return {
      allowed: count <= this.limitPerWindow,
      count,
      retryAfterSeconds: retryAfterSeconds(msLeft),
    };
  }
}
