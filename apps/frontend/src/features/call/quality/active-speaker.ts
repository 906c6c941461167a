/**
 * Who is speaking, from audio levels (0–1, as `getStats` reports `audioLevel` for what we receive
 * and for our own microphone). A speaker holds the spotlight for a moment after a pause, and
 * someone else takes it only by speaking louder for a while, so the highlight does not flicker
 * between people who both make small noises.
 */
export interface ActiveSpeakerSettings {
  /** Below this (smoothed) level nobody counts as speaking. */
  speakingLevel: number;
  /** Weight of a new reading in the smoothed level (0–1). */
  smoothing: number;
  /** A new speaker must lead for this long, ms. */
  takeoverMs: number;
  /** The speaker keeps the spotlight this long after falling silent, ms. */
  holdMs: number;
}

export const DEFAULT_ACTIVE_SPEAKER_SETTINGS: ActiveSpeakerSettings = {
  speakingLevel: 0.02,
  smoothing: 0.5,
  takeoverMs: 800,
  holdMs: 2_000,
};

export class ActiveSpeaker {
  private readonly levels = new Map<string, number>();
  private speaker: string | null = null;
  private lastHeardAt = 0;
  private challenger: { id: string; since: number } | null = null;

  constructor(private readonly settings: ActiveSpeakerSettings = DEFAULT_ACTIVE_SPEAKER_SETTINGS) {}

  /** The current speaker, or null. */
  get current(): string | null {
    return this.speaker;
  }

  /** Feeds one reading per participant (missing ones are forgotten) and returns the speaker. */
  update(readings: ReadonlyMap<string, number>, now: number): string | null {
    const { smoothing, speakingLevel, takeoverMs, holdMs } = this.settings;
    for (const id of [...this.levels.keys()]) if (!readings.has(id)) this.levels.delete(id);
    for (const [id, level] of readings) {
      const previous = this.levels.get(id) ?? 0;
      this.levels.set(id, previous + (Math.max(0, Math.min(1, level)) - previous) * smoothing);
    }
    if (this.speaker !== null && !this.levels.has(this.speaker)) this.speaker = null;

    let loudest: string | null = null;
    for (const [id, level] of this.levels) {
      if (level >= speakingLevel && (loudest === null || level > (this.levels.get(loudest) ?? 0)))
        loudest = id;
    }
    if (this.speaker !== null && (this.levels.get(this.speaker) ?? 0) >= speakingLevel)
      this.lastHeardAt = now;

    if (loudest === null || loudest === this.speaker) {
      this.challenger = null;
      if (this.speaker !== null && now - this.lastHeardAt > holdMs) this.speaker = null;
      return this.speaker;
    }
    if (this.speaker === null || now - this.lastHeardAt > holdMs) {
      this.takeOver(loudest, now);
      return this.speaker;
    }
    if (this.challenger?.id !== loudest) this.challenger = { id: loudest, since: now };
    else if (now - this.challenger.since >= takeoverMs) this.takeOver(loudest, now);
    return this.speaker;
  }

  private takeOver(id: string, now: number): void {
    this.speaker = id;
    this.lastHeardAt = now;
    this.challenger = null;
  }
}
