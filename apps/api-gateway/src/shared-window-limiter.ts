import { addToWindow, retryAfterSeconds, type Redis } from '@qual-meet/redis';

export interface SharedWindowLimiterOptions {
  /** Prepended to every key in Redis. */
  prefix: string;
  windowMs: number;
  /**
   * Longest time a hit is counted only here before it reaches the shared counter: how stale this
   * instance's view of the other instances' hits may be.
   */
  syncIntervalMs: number;
  /**
   * Most keys counted locally at once (default 100 000). Beyond it — say, a flood from many
   * addresses — new keys are counted straight in Redis, so memory stays bounded; if Redis cannot
   * count them either, they are refused (nothing would limit them otherwise).
   */
  maxLocalKeys?: number;
}

export interface LimitVerdict {
  allowed: boolean;
  /** Whole seconds until the window ends (at least 1): the `Retry-After` value. */
  retryAfterSeconds: number;
}

/** One key's current window as this instance sees it. */
interface KeyWindow {
  /** Hits counted here in this window. */
  ours: number;
  /** Of `ours`, the hits sent to Redis (acknowledged or in flight). */
  sent: number;
  /** Of `sent`, the hits Redis has acknowledged. */
  acked: number;
  /** The shared counter at the last acknowledgement: every instance's acknowledged hits. */
  shared: number;
  /** When the window ends, as Redis reported it once it has. */
  endsAt: number;
  /** The addition on its way to Redis, if one is. */
  inFlight?: Promise<void>;
  /** Redis has answered for this window at least once (or failed to: then we count alone). */
  known: boolean;
}

/**
 * A fixed-window rate limit shared by every gateway instance through Redis, without a Redis round
 * trip per request. The first hit on a key in a window waits for Redis (so it starts from every
 * instance's count); later hits are decided locally from the last shared count plus this
 * instance's own hits, and are added to Redis in one `INCRBY` per key every `syncIntervalMs`.
 *
 * Trade-off: each instance may admit up to what the others admitted in the last sync interval
 * beyond the limit (a handful of requests at 100 ms and per-minute limits); a single instance
 * is exact. While Redis is unreachable each instance still enforces the limit alone, and the hits
 * it counted meanwhile reach Redis when it is back (within the window).
 */
export class SharedWindowLimiter {
  private readonly windows = new Map<string, KeyWindow>();
  /** Keys with hits counted here and not yet sent: what the next sync sends. */
  private readonly unsent = new Set<string>();
  private syncTimer: NodeJS.Timeout | undefined;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly maxLocalKeys: number;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: SharedWindowLimiterOptions,
  ) {
    this.maxLocalKeys = options.maxLocalKeys ?? 100_000;
    this.sweepTimer = setInterval(() => this.sweep(), options.windowMs).unref();
  }

  /** Counts one hit on `key` and decides it against `max` hits per window. */
  async hit(key: string, max: number): Promise<LimitVerdict> {
    const now = Date.now();
    let window = this.windows.get(key);
    // Ended windows are swept once per window length, not per request.
    if (!window && this.windows.size >= this.maxLocalKeys) return this.hitInRedis(key, max);
    if (!window || now >= window.endsAt) {
      window = {
        ours: 0,
        sent: 0,
        acked: 0,
        shared: 0,
        endsAt: now + this.options.windowMs,
        known: false,
      };
      this.windows.set(key, window);
    }
    const ordinal = ++window.ours;
    if (!window.known) {
      if (!window.inFlight) void this.send(key, window);
      await window.inFlight;
    } else {
      this.unsent.add(key);
      this.scheduleSync();
    }
    const othersHits = window.shared - window.acked;
    return {
      allowed: othersHits + ordinal <= max,
      retryAfterSeconds: retryAfterSeconds(window.endsAt - Date.now()),
    };
  }

  /**
   * The verdict a hit on `key` would get now, as last seen here, without counting one: lets a
   * caller already over its limit be refused before work the refusal would waste.
   */
  peek(key: string, max: number): LimitVerdict {
    const now = Date.now();
    const window = this.windows.get(key);
    if (!window?.known || now >= window.endsAt) return { allowed: true, retryAfterSeconds: 1 };
    return {
      allowed: window.shared - window.acked + window.ours < max,
      retryAfterSeconds: retryAfterSeconds(window.endsAt - now),
    };
  }

  /** One hit counted in Redis alone (no local window); refused when Redis cannot count it. */
  private async hitInRedis(key: string, max: number): Promise<LimitVerdict> {
    try {
      const { count, msLeft } = await addToWindow(
        this.redis,
        this.options.prefix + key,
        1,
        this.options.windowMs,
      );
      return { allowed: count <= max, retryAfterSeconds: retryAfterSeconds(msLeft) };
    } catch {
      return { allowed: false, retryAfterSeconds: 1 };
    }
  }

  /** Sends every hit counted here and not yet in Redis, and waits for Redis to take them. */
  async flush(): Promise<void> {
    // The first round may only wait for additions already in flight; the second sends the rest.
    await this.sendPending();
    await this.sendPending();
  }

  /** Flushes (best effort: Redis may be away) and stops the timers. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.syncTimer);
    clearInterval(this.sweepTimer);
    await this.flush();
  }

  private send(key: string, window: KeyWindow): Promise<void> {
    const sending = window.ours;
    const amount = sending - window.sent;
    window.sent = sending;
    window.inFlight = addToWindow(
      this.redis,
      this.options.prefix + key,
      amount,
      this.options.windowMs,
    )
      .then(
        ({ count, msLeft }) => {
          window.acked = sending;
          window.shared = count;
          window.endsAt = Date.now() + msLeft;
        },
        () => {
          // Redis is away: keep the hits to send later, and decide on our own count meanwhile.
          window.sent = window.acked;
        },
      )
      .finally(() => {
        window.known = true;
        window.inFlight = undefined;
        // Hits counted while this was on its way (or not taken) go with the next sync.
        if (window.ours > window.sent && this.windows.get(key) === window) {
          this.unsent.add(key);
          this.scheduleSync();
        }
      });
    return window.inFlight;
  }

  private sendPending(): Promise<unknown> {
    return Promise.all(
      [...this.windows].map(
        ([key, w]) => w.inFlight ?? (w.ours > w.sent ? this.send(key, w) : undefined),
      ),
    );
  }

  private scheduleSync(): void {
    if (this.closed) return;
    this.syncTimer ??= setTimeout(() => {
      this.syncTimer = undefined;
      for (const key of this.unsent) {
        const window = this.windows.get(key);
        // One in flight re-queues its key when it settles.
        if (window?.inFlight) continue;
        this.unsent.delete(key);
        if (window && window.ours > window.sent) void this.send(key, window);
      }
    }, this.options.syncIntervalMs).unref();
  }

  /** Forgets windows that have ended, so memory follows the callers of the current window. */
  private sweep(): void {
    const now = Date.now();
    for (const [key, window] of this.windows) {
      if (now >= window.endsAt && !window.inFlight) {
        this.windows.delete(key);
        this.unsent.delete(key);
      }
    }
  }
}
