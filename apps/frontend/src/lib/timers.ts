/** Opaque id of a scheduled callback. */
export type TimerHandle = number;

/**
 * The clock and timers a long-lived object uses. Injected so tests drive time with a fake and
 * can assert that nothing is left scheduled once the object is disposed.
 */
export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(callback: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}

/** The page's own timers. */
export const browserTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => window.setTimeout(callback, ms),
  clearTimeout: (handle) => window.clearTimeout(handle),
  setInterval: (callback, ms) => window.setInterval(callback, ms),
  clearInterval: (handle) => window.clearInterval(handle),
};
