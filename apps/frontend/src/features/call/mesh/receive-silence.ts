import type { StatsEntry } from '../quality/link-stats';

/** What one reading of a link's receive counter tells. */
export type SilenceVerdict = 'fell-silent' | 'resumed' | null;

export interface ReceiveSilenceOptions {
  /** How long a steady link may receive nothing before its path counts as lost. */
  silenceMs: number;
  /**
   * How many readings in a row must each have seen something arrive for the link to count as
   * steady: a peer that sends no media gives only sparse RTCP and STUN, whose gaps are no alarm.
   */
  steadyReadings: number;
}

/**
 * Tells from a link's received-bytes counter, read every few hundred milliseconds, that its path
 * went dead: ICE itself says `disconnected` only ~5 s after the last packet. A link that was
 * receiving in every reading (audio alone sends ~50 packets/s, muted too) and then receives
 * nothing for `silenceMs` fell silent; the next growth means it is back.
 */
export class ReceiveSilence {
  private lastBytes: number | null = null;
  private lastGrowthAt = 0;
  private streak = 0;
  private grewLastTime = false;
  private silent = false;

  constructor(private readonly options: ReceiveSilenceOptions) {}

  /** Takes one reading of the counter at time `at` (ms). */
  read(bytes: number, at: number): SilenceVerdict {
    const grew = this.lastBytes !== null && bytes > this.lastBytes;
    // A smaller count is a new transport (an ICE restart may make one): a fresh start.
    if (this.lastBytes === null || bytes < this.lastBytes) this.lastGrowthAt = at;
    this.lastBytes = bytes;
    if (grew) {
      this.streak = this.grewLastTime ? this.streak + 1 : 1;
      this.grewLastTime = true;
      this.lastGrowthAt = at;
      if (!this.silent) return null;
      this.silent = false;
      return 'resumed';
    }
    this.grewLastTime = false;
    const steady = this.streak >= this.options.steadyReadings;
    if (this.silent || !steady || at - this.lastGrowthAt < this.options.silenceMs) return null;
    this.silent = true;
    this.streak = 0;
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
