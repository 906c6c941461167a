import { parsePeerMediaState, type PeerMediaState } from '@qual-meet/protocol';
import type { PeerConnectionLike } from './types';

/** The peer's state as we keep it: no screen is `null`. */
export type RemoteMediaState = Required<PeerMediaState> & { screenStreamId: string | null };

/** Made on both sides with the same id (negotiated), so neither waits for the other to open it. */
const CHANNEL = { label: 'media-state', init: { negotiated: true, id: 0 } } as const;

/**
 * The peer-to-peer channel that carries {@link PeerMediaState} (mute, camera off, which stream is
 * a shared screen), beside the media: the servers never see it. Ours is sent when the channel
 * opens and on every change; anything on it that is not a valid state is ignored.
 */
export class MediaStateChannel {
  /** What the peer last told us; nothing yet means unmuted, camera on, no screen. */
  remote: RemoteMediaState = { muted: false, cameraOff: false, screenStreamId: null };
  private readonly channel;
  private closed = false;

  constructor(
    pc: PeerConnectionLike,
    private local: PeerMediaState,
    /** Called when the peer's state changed. */
    private readonly onRemoteChange: () => void,
  ) {
    this.channel = pc.createDataChannel(CHANNEL.label, CHANNEL.init);
    this.channel.addEventListener('open', () => this.flush());
    this.channel.addEventListener('message', (event) => this.receive(event.data));
  }

  /** Our state changed: the peer is told now, or once the channel opens. */
  setLocal(state: PeerMediaState): void {
    this.local = state;
    this.flush();
  }

  close(): void {
    this.closed = true;
  }

  private flush(): void {
    if (this.closed || this.channel.readyState !== 'open') return;
    this.channel.send(JSON.stringify(this.local));
  }

  private receive(data: unknown): void {
    const state = parsePeerMediaState(data);
    if (this.closed || !state) return;
    const next: RemoteMediaState = {
      muted: state.muted,
      cameraOff: state.cameraOff,
      screenStreamId: state.screenStreamId ?? null,
    };
    const { remote } = this;
    if (
      next.muted === remote.muted &&
      next.cameraOff === remote.cameraOff &&
      next.screenStreamId === remote.screenStreamId
    )
      return;
    this.remote = next;
    this.onRemoteChange();
  }
}
