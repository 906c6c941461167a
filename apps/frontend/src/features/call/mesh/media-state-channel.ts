import { parsePeerMessage, type PeerMediaState, type PeerOfferRequest } from '@qual-meet/protocol';
import type { PeerConnectionLike } from './types';

/** The peer's state as we keep it: what it did not say is `null`. */
export type RemoteMediaState = {
  [K in keyof PeerMediaState]-?: Exclude<PeerMediaState[K], undefined>;
};

/** Made on both sides with the same id (negotiated), so neither waits for the other to open it. */
const CHANNEL = { label: 'media-state', init: { negotiated: true, id: 0 } } as const;

/** What the peer asks of the offers we make (see {@link PeerOfferRequest}). */
export type OfferRequest = Omit<PeerOfferRequest, 'type'>;

/**
 * The peer-to-peer channel that carries {@link PeerMediaState} (mute, camera off, which stream is
 * a shared screen), beside the media: the servers never see it. Ours is sent when the channel
 * opens and on every change; anything on it that is not a valid state is ignored. It also
 * carries the polite side's requests for an offer (see `Negotiation`).
 */
export class MediaStateChannel {
  /** What the peer last told us; nothing yet means unmuted, camera on, no screen. */
  remote: RemoteMediaState = {
    muted: false,
    cameraOff: false,
    screenStreamId: null,
    view: null,
    sendLimit: null,
  };
  /**
   * The peer closed its end (it left or reloaded): the channel closed under us, which happens at
   * once, long before ICE notices.
   */
  peerClosed = false;
  private readonly channel;
  private closed = false;
  /** Our latest request for an offer, until the channel could carry it. */
  private pendingRequest: OfferRequest | null = null;

  constructor(
    pc: PeerConnectionLike,
    private local: PeerMediaState,
    /** Called when the peer's state changed. */
    private readonly onRemoteChange: () => void,
    /** Called when the peer asks us for an offer. */
    private readonly onOfferRequest: (request: OfferRequest) => void = () => undefined,
  ) {
    this.channel = pc.createDataChannel(CHANNEL.label, CHANNEL.init);
    this.channel.addEventListener('open', () => {
      this.sendState();
      this.sendRequest();
    });
    this.channel.addEventListener('message', (event) => this.receive(event.data));
    this.channel.addEventListener('close', () => {
      if (this.closed) return;
      this.peerClosed = true;
      this.onRemoteChange();
    });
  }

  /** Our state changed: the peer is told now, or once the channel opens. */
  setLocal(state: PeerMediaState): void {
    this.local = state;
    this.sendState();
  }

  /** Asks the peer for an offer: now, or once the channel opens (only the latest counts). */
  requestOffer(request: OfferRequest): void {
    this.pendingRequest = request;
    this.sendRequest();
  }

  close(): void {
    this.closed = true;
  }

  private get sendable(): boolean {
    return !this.closed && this.channel.readyState === 'open';
  }

  private sendState(): void {
    if (this.sendable) this.channel.send(JSON.stringify(this.local));
  }

  private sendRequest(): void {
    if (!this.sendable || !this.pendingRequest) return;
    this.channel.send(JSON.stringify({ type: 'offer_request', ...this.pendingRequest }));
    this.pendingRequest = null;
  }

  private receive(data: unknown): void {
    const message = parsePeerMessage(data);
    if (this.closed || !message) return;
    if (message.kind === 'offer_request') {
      const { audio, video } = message.request;
      this.onOfferRequest({ audio, video });
      return;
    }
    const { state } = message;
    const next: RemoteMediaState = {
      muted: state.muted,
      cameraOff: state.cameraOff,
      screenStreamId: state.screenStreamId ?? null,
      view: state.view ?? null,
      sendLimit: state.sendLimit ?? null,
    };
    if (JSON.stringify(next) === JSON.stringify(this.remote)) return;
    this.remote = next;
    this.onRemoteChange();
  }
}
