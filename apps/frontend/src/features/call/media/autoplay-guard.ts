import { Store } from '../../../lib/store';

function isAutoplayRefusal(error: unknown): boolean {
  return error instanceof Error && error.name === 'NotAllowedError';
}

/**
 * Plays remote media with sound where the browser allows it. When autoplay policy refuses
 * sound (no click on the page yet), the element plays muted instead and `soundBlocked` turns
 * true until `unmuteAll` runs from a click.
 */
export class AutoplayGuard {
  private readonly muted = new Set<HTMLMediaElement>();
  private readonly blocked = new Store(false);

  readonly subscribe = this.blocked.subscribe;
  /** True while some remote audio is muted because the browser blocked it. */
  readonly getSnapshot = this.blocked.getSnapshot;

  /** Starts `element`, with sound if allowed, else muted. */
  async play(element: HTMLMediaElement): Promise<void> {
    element.muted = false;
    try {
      await element.play();
      return;
    } catch (error) {
      if (!isAutoplayRefusal(error)) return;
    }
    element.muted = true;
    this.muted.add(element);
    this.blocked.set(true);
    try {
      await element.play();
    } catch {
      // Even muted playback refused: the click in unmuteAll starts it.
    }
  }

  /** The element is gone (tile removed). */
  forget(element: HTMLMediaElement): void {
    this.muted.delete(element);
    if (this.muted.size === 0) this.blocked.set(false);
  }

  /** Must run inside a click handler: the click is what allows sound. */
  unmuteAll(): void {
    for (const element of this.muted) {
      element.muted = false;
      void element.play().catch(() => undefined);
    }
    this.muted.clear();
    this.blocked.set(false);
  }
}
