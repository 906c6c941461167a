import type { StatsEntry } from '../quality/link-stats';

/** What one reading of a link's receive counter tells. */
export type SilenceVerdict = 'fell-silent' | 'resumed' | null;

export interface ReceiveSilenceOptions {
  /** How long a steady link may receive nothing before its path counts as lost. */
  silenceMs: number;
  /**
   * A rate of arrival only media gives: audio alone sends ~50 packets a second, muted too. One
   * reading at this rate makes the link steady. A peer that sends no media gives only sparse RTCP
   * and STUN, whose gaps are no alarm, and never reaches it.
   */
  mediaBytesPerSecond: number;
}

/**
 * Tells from a link's received-bytes counter, read every few hundred milliseconds, that its path
 * went dead: ICE itself says `disconnected` only ~5 s after the last packet. A link that was
 * receiving media and then receives nothing for `silenceMs` fell silent; the next growth means
 * it is back. One reading at media rate is enough: a call may move within a second of connecting.
 */
export class ReceiveSilence {
  private last: { bytes: number; at: number } | null = null;
  private lastGrowthAt = 0;
  private steady = false;
  private silent = false;

  constructor(private readonly options: ReceiveSilenceOptions) {}

  /** Takes one reading of the counter at time `at` (ms). */
  read(bytes: number, at: number): SilenceVerdict {
    const last = this.last;
    this.last = { bytes, at };
    // A smaller count is a new transport (an ICE restart may make one): its silence counts anew.
    // So does a reading as late as the silence itself: the page was stalled (an overloaded
    // machine), and what did not arrive meanwhile may only not have been read yet.
    const stalled = last !== null && at - last.at >= this.options.silenceMs;
    if (last === null || bytes < last.bytes || (stalled && bytes === last.bytes)) {
      this.lastGrowthAt = at;
      return null;
    }
    if (bytes > last.bytes) {
      const perSecond = ((bytes - last.bytes) * 1_000) / Math.max(at - last.at, 1);
      if (perSecond >= this.options.mediaBytesPerSecond) this.steady = true;
      this.lastGrowthAt = at;
      if (!this.silent) return null;
      this.silent = false;
      return 'resumed';
    }
    if (this.silent || !this.steady || at - this.lastGrowthAt < this.options.silenceMs) return null;
    // Back, it has to show media again before another silence counts.
    this.silent = true;
    this.steady = false;
    return 'fell-silent';
  }
}

/**
 * Bytes the connection received over all its transports (RTP, RTCP, data channel, DTLS); from the
 * candidate pairs where a browser has no transport stats.
 */
export function receivedBytes(entries: readonly StatsEntry[]): number {
  const sum = (type: string) =>
    entries
      .filter((entry) => entry.type === type)
      .reduce((total, entry) => {
        const bytes = entry['bytesReceived'];
        return total + (typeof bytes === 'number' ? bytes : 0);
      }, 0);
  return entries.some((entry) => entry.type === 'transport')
    ? sum('transport')
    : sum('candidate-pair');
}
