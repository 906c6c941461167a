/** Shape of the reconnect delays. */
export interface BackoffOptions {
  /** Delay before the first retry. */
  initialMs: number;
  /** No delay exceeds this. */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 500, maxMs: 10_000 };

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential, capped, with "equal jitter"
 * (half fixed, half random) so clients dropped together by a restarting node do not all
 * return in the same instant, yet none retries immediately.
 */
export function backoffDelay(attempt: number, random: () => number, options: BackoffOptions) {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
