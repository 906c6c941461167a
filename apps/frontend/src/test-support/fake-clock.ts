import type { TimerHandle, Timers } from '../lib/timers';

interface Scheduled {
  due: number;
  callback: () => void;
  repeatMs: number | null;
}

/**
 * Timers under the test's control: time moves only through `advance`, and `pendingCount` tells
 * whether a component left anything scheduled.
 */
export class FakeClock implements Timers {
  private time = 0;
  private nextHandle = 1;
  private scheduled = new Map<TimerHandle, Scheduled>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.schedule(callback, ms, null);
  }

  clearTimeout(handle: TimerHandle): void {
    this.scheduled.delete(handle);
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    return this.schedule(callback, ms, ms);
  }

  clearInterval(handle: TimerHandle): void {
    this.scheduled.delete(handle);
  }

  /** Timers started and neither fired (one-shot) nor cleared. */
  get pendingCount(): number {
    return this.scheduled.size;
  }

  /** Delays (from now) of everything scheduled, soonest first. */
  pendingDelays(): number[] {
    return [...this.scheduled.values()].map((s) => s.due - this.time).sort((a, b) => a - b);
  }

  /** Moves time forward, firing due callbacks in order (intervals as often as they fall due). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      const [handle, entry] = next;
      this.time = Math.max(this.time, entry.due);
      if (entry.repeatMs === null) this.scheduled.delete(handle);
      else entry.due += entry.repeatMs;
      entry.callback();
    }
    this.time = end;
  }

  /**
   * Moves time forward without firing anything, as when the page was busy: whatever fell due
   * meanwhile fires late, at the next `advance`.
   */
  stall(ms: number): void {
    this.time += ms;
  }

  private nextDue(limit: number): [TimerHandle, Scheduled] | undefined {
    let found: [TimerHandle, Scheduled] | undefined;
    for (const pair of this.scheduled) {
      if (pair[1].due <= limit && (!found || pair[1].due < found[1].due)) found = pair;
    }
    return found;
  }

  private schedule(callback: () => void, ms: number, repeatMs: number | null): TimerHandle {
    const handle = this.nextHandle++;
    this.scheduled.set(handle, { due: this.time + Math.max(0, ms), callback, repeatMs });
    return handle;
  }
}

/** Lets every pending promise callback run (node test environment only). */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
