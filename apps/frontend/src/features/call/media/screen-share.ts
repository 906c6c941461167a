import { Store } from '../../../lib/store';

/** The part of `navigator.mediaDevices` screen sharing uses. */
export interface DisplayMediaLike {
  getDisplayMedia(options: DisplayMediaStreamOptions): Promise<MediaStream>;
}

/** Why sharing is not on, when the person should be told. */
export type ScreenShareNotice =
  /** The person cancelled the browser's picker, or the browser refused. */
  | 'not_started'
  /** Capture failed for another reason. */
  | 'failed'
  /** A reload ended the share (capture needs a click to start again). */
  | 'reload_ended';

export type ScreenShareSnapshot =
  | { status: 'off'; notice: ScreenShareNotice | null }
  | { status: 'starting' }
  | { status: 'sharing'; stream: MediaStream };

/**
 * Our shared screen: `getDisplayMedia` with audio where the browser offers it (tab or system
 * sound), stopped by **Stop sharing** or by the browser's own stop button (the video track
 * ends). Observable like {@link LocalMedia}; the mesh session sends the stream to every peer.
 */
export class ScreenShare {
  private readonly store = new Store<ScreenShareSnapshot>({ status: 'off', notice: null });
  /** Bumped by every start/stop, so a picker answered after Stop is let go. */
  private generation = 0;
  private endedTrack: { track: MediaStreamTrack; listener: () => void } | null = null;

  readonly getSnapshot = this.store.getSnapshot;
  readonly subscribe = this.store.subscribe;

  constructor(private readonly display: DisplayMediaLike | undefined) {}

  /** Whether this browser can share a screen at all. */
  get supported(): boolean {
    return this.display !== undefined;
  }

  /** Asks the browser for a screen, window or tab (needs the click that called it). */
  async start(): Promise<void> {
    const { display } = this;
    if (!display || this.store.getSnapshot().status !== 'off') return;
    const generation = ++this.generation;
    this.store.set({ status: 'starting' });
    let stream: MediaStream;
    try {
      stream = await capture(display);
    } catch (error) {
      if (generation !== this.generation) return;
      const name = isNamed(error) ? error.name : '';
      this.store.set({
        status: 'off',
        notice: name === 'NotAllowedError' || name === 'AbortError' ? 'not_started' : 'failed',
      });
      return;
    }
    if (generation !== this.generation) {
      stopTracks(stream);
      return;
    }
    const [video] = stream.getVideoTracks();
    if (video) {
      const listener = () => this.stop();
      video.addEventListener('ended', listener);
      this.endedTrack = { track: video, listener };
    }
    this.store.set({ status: 'sharing', stream });
  }

  /** Stops sharing (the browser's sharing indicator goes away). */
  stop(notice: ScreenShareNotice | null = null): void {
    this.generation += 1;
    if (this.endedTrack) {
      this.endedTrack.track.removeEventListener('ended', this.endedTrack.listener);
      this.endedTrack = null;
    }
    const current = this.store.getSnapshot();
    if (current.status === 'sharing') stopTracks(current.stream);
    this.store.set({ status: 'off', notice });
  }

  /** Tells the person a reload ended their share (it cannot restart without their click). */
  reportReloadEnded(): void {
    if (this.store.getSnapshot().status === 'off')
      this.store.set({ status: 'off', notice: 'reload_ended' });
  }

  /** Forgets the notice (the person dismissed it or shares again). */
  dismissNotice(): void {
    const current = this.store.getSnapshot();
    if (current.status === 'off' && current.notice) this.store.set({ status: 'off', notice: null });
  }
}

/** With sound where the browser can; one that refuses the audio option is asked again without. */
async function capture(display: DisplayMediaLike): Promise<MediaStream> {
  try {
    return await display.getDisplayMedia({ video: true, audio: true });
  } catch (error) {
    if (!(isNamed(error) && error.name === 'TypeError')) throw error;
    return display.getDisplayMedia({ video: true });
  }
}

function isNamed(value: unknown): value is { name: string } {
  return (
    typeof value === 'object' && value !== null && typeof Reflect.get(value, 'name') === 'string'
  );
}

function stopTracks(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
