import type {
  IceCandidate,
  PeerSendLimit,
  PeerView,
  TargetedClientMessage,
} from '@qual-meet/protocol';
import type { TimerHandle, Timers } from '../../../lib/timers';
import type { StatsEntry } from '../quality/link-stats';
import type { VideoLimits } from '../quality/uplink-budget';
import { MediaStateChannel, type OfferRequest } from './media-state-channel';
import { Negotiation } from './negotiation';
import { ReceiveSilence, receivedBytes } from './receive-silence';
import type { CreatePeerConnection, MediaState, PeerConnectionLike, RtpSenderLike } from './types';

/**
 * Who sends the first offer to this peer. DESIGN §4.9: members already in the room offer to the
 * newcomer; the newcomer only answers. After that first exchange either side may offer.
 */
export type NegotiationRole = 'offerer' | 'answerer';

/** What a participant's tile shows about the media connection. */
export type PeerStatus = 'connecting' | 'connected' | 'reconnecting' | 'unreachable';

export interface PeerLinkOptions {
  remoteUserId: string;
  role: NegotiationRole;
  /** Yields when both sides offer at once (see {@link Negotiation}). */
  polite: boolean;
  configuration: RTCConfiguration;
  /** Our camera/microphone; null joins receive-only. */
  localStream: MediaStream | null;
  /** The screen we share, if we do. */
  screenStream: MediaStream | null;
  /** Whether we are muted and our camera off, told to the peer (see {@link MediaStateChannel}). */
  localMediaState: MediaState;
  createPeerConnection: CreatePeerConnection;
  timers: Timers;
  /** Sends a negotiation frame to the remote user through signaling. */
  signal(message: TargetedClientMessage): void;
  /** Called whenever `status`, a stream or the peer's media state changed. */
  onChange(): void;
  /** After ICE failed, how long the restart may take before the peer counts as unreachable. */
  restartWindowMs: number;
  /**
   * How long ICE may stay `disconnected` before we restart it instead of waiting for `failed`
   * (tens of seconds): after an address change the old path never comes back.
   */
  disconnectedGraceMs?: number;
  /** While unreachable, how often to try again, so the call comes back once the network allows. */
  unreachableRetryMs?: number;
  /** How long our offer may wait for its answer before it is sent again; 0 never sends again. */
  offerResendMs?: number;
  /**
   * ICE lost its path (`disconnected`): our network may have changed, and with it the signaling
   * socket the restart must go through.
   */
  onPathLost?(): void;
  /**
   * How often, while ICE is up, to read what the connection received, to tell a dead path
   * seconds before ICE does ({@link ReceiveSilence}); unset, only ICE tells.
   */
  pathWatchMs?: number;
}

const DEFAULT_DISCONNECTED_GRACE_MS = 1_000;
const DEFAULT_UNREACHABLE_RETRY_MS = 10_000;
/** Above the 6 s in which signaling's per-target offer limit (10 a minute) gives one back. */
const DEFAULT_OFFER_RESEND_MS = 8_000;
/**
 * Receiving nothing this long on a steady link is a lost path. Measured in the lab: a link with
 * media, muted too, never went 110 ms without bytes; one with none (RTCP only) ~1 s; ICE stayed
 * `connected` for seconds after an address change (docs/NETWORKS.md).
 */
const PATH_SILENCE_MS = 1_500;
/**
 * Arrival at this rate proves media (audio alone, muted too, ~50 packets a second of ~40 bytes);
 * RTCP and STUN alone stay far below it. Steady from the first such reading: a call moved 0.7 s
 * after connecting went unnoticed until ICE's own `disconnected` when two readings were asked.
 */
const MEDIA_BYTES_PER_SECOND = 1_000;

const MEDIA_KINDS = ['audio', 'video'] as const;

/**
 * At most this many media sections of a kind are made for the peer's requests: enough for a
 * camera and many screen shares, and a bound on what a hostile peer can make us grow.
 */
const MAX_SECTIONS_PER_KIND = 16;

/**
 * One `RTCPeerConnection` to one remote user: what we send (camera, microphone, screen), what
 * we receive, and how the connection is doing.
 *
 * Every change of what we send renegotiates ({@link Negotiation}). When ICE fails, each side
 * restarts ICE once (`restartIce`, through the same negotiation); if the connection is not back
 * within `restartWindowMs`, or fails again, the peer is marked unreachable.
 */
export class PeerLink {
  /** Connection state as a person would describe it. */
  status: PeerStatus = 'connecting';

  readonly role: NegotiationRole;
  private readonly pc: PeerConnectionLike;
  private readonly negotiation: Negotiation;
  private readonly mediaState: MediaStateChannel;
  /** What we send of our camera and microphone, by kind: a device switch swaps the track. */
  private readonly senders = new Map<MediaStreamTrack['kind'], RtpSenderLike>();
  /**
   * The stream our camera and microphone tracks are sent as, kept for tracks added later, so
   * the peer receives them all in one stream (its id is what tells them from the screen).
   */
  private cameraStream: MediaStream | null = null;
  private screenSenders: RtpSenderLike[] = [];
  private screenStream: MediaStream | null;
  /** Remote streams by id; which one is the screen, the peer tells us. */
  private readonly remoteStreams = new Map<string, MediaStream>();
  private remoteScreenId: string | null = null;
  /** Screens the peer stopped sharing; a late track of one is not a camera. */
  private readonly endedScreens = new Set<string>();
  private restartTried = false;
  private restartWindow: TimerHandle | null = null;
  /** Disconnected too long (restart) or unreachable (try again): at most one at a time. */
  private retryTimer: TimerHandle | null = null;
  private closed = false;
  private iceState: RTCIceConnectionState = 'new';
  private pathWatch: TimerHandle | null = null;
  private silence = new ReceiveSilence({
    silenceMs: PATH_SILENCE_MS,
    mediaBytesPerSecond: MEDIA_BYTES_PER_SECOND,
  });
  private localMediaState: MediaState;
  /** What we tell the peer for its upload budget, and of ours (see quality/call-quality.ts). */
  private view: PeerView | null = null;
  private sendLimit: PeerSendLimit | null = null;
  /** The video limits last applied, as JSON, so an unchanged decision costs nothing. */
  private appliedLimits: string | null = null;

  constructor(private readonly options: PeerLinkOptions) {
    this.role = options.role;
    this.localMediaState = options.localMediaState;
    this.screenStream = options.screenStream;
    this.pc = options.createPeerConnection(options.configuration, {
      onIceCandidate: (candidate) => {
        if (this.closed) return;
        options.signal({ type: 'ice_candidate', targetUserId: options.remoteUserId, candidate });
      },
      onTrack: (stream) => this.trackArrived(stream),
      onIceConnectionStateChange: (state) => this.iceStateChanged(state),
      onNegotiationNeeded: () => this.negotiation.negotiationNeeded(),
    });
    this.negotiation = new Negotiation({
      pc: this.pc,
      polite: options.polite,
      offersFirst: options.role === 'offerer',
      send: ({ type, sdp }) => {
        if (!this.closed) options.signal({ type, targetUserId: options.remoteUserId, sdp });
      },
      timers: options.timers,
      offerResendMs: options.offerResendMs ?? DEFAULT_OFFER_RESEND_MS,
      requestOffer: () => this.mediaState.requestOffer(this.sectionsLacking()),
      onFailure: () => this.becomeUnreachable(),
    });
    // Camera and microphone first: an answerer's own tracks then take the offer's first audio
    // and video sections, and a screen gets sections of its own.
    if (options.localStream)
      this.addCameraTracks(options.localStream.getTracks(), options.localStream);
    this.mediaState = new MediaStateChannel(
      this.pc,
      this.outgoingState(),
      () => this.remoteStateChanged(),
      (request) => this.offerRequested(request),
    );
    if (this.screenStream) this.addScreenTracks(this.screenStream);
    if (this.role === 'offerer') {
      // The offer must carry an audio and a video section even when we send neither, or a
      // receive-only offerer would leave the answerer no way to send us its media.
      for (const kind of MEDIA_KINDS) {
        if (!this.senders.has(kind)) this.pc.addTransceiver(kind, { direction: 'recvonly' });
      }
    }
  }

  /**
   * The remote camera and microphone, once their first track arrived: the first stream that is
   * not the screen (the peer sends all its camera and microphone tracks in one stream).
   */
  get stream(): MediaStream | null {
    const screenId = this.mediaState.remote.screenStreamId;
    for (const [id, stream] of this.remoteStreams) if (id !== screenId) return stream;
    return null;
  }

  /** The screen the peer shares, once it said so and its first track arrived. */
  get screen(): MediaStream | null {
    const screenId = this.mediaState.remote.screenStreamId;
    return screenId ? (this.remoteStreams.get(screenId) ?? null) : null;
  }

  /** What the peer shows of our camera video, as it last told us. */
  get remoteView(): PeerView | null {
    return this.mediaState.remote.view;
  }

  /** What the peer holds back of the video it sends us, and why, as it last told us. */
  get remoteSendLimit(): PeerSendLimit | null {
    return this.mediaState.remote.sendLimit;
  }

  /** Whether the peer is muted or has its camera off, as it last told us. */
  get remoteMedia(): MediaState {
    const { muted, cameraOff } = this.mediaState.remote;
    return { muted, cameraOff };
  }

  /** The peer closed its end of the connection (it left or reloaded). */
  get remoteClosed(): boolean {
    return this.mediaState.peerClosed;
  }

  /** Whether a first offer/answer exchange completed (an answerer that has one got its offer). */
  get negotiated(): boolean {
    return this.negotiation.established;
  }

  /** Whether an offer comes from a new connection of the peer (see `Negotiation`). */
  isFromAnotherConnection(sdp: string): boolean {
    return this.negotiation.isFromAnotherConnection(sdp);
  }

  /** Offerer: sends the first offer (the browser may also ask, which then finds nothing to do). */
  start(): void {
    if (this.role === 'offerer') this.negotiation.negotiationNeeded();
  }

  /** Applies a remote offer (the first one, or any renegotiation) and answers it. */
  acceptOffer(sdp: string): void {
    this.negotiation.receiveDescription({ type: 'offer', sdp });
  }

  /** Applies the remote answer to our offer. */
  acceptAnswer(sdp: string): void {
    this.negotiation.receiveDescription({ type: 'answer', sdp });
  }

  addRemoteCandidate(candidate: IceCandidate): void {
    this.negotiation.addRemoteCandidate(candidate);
  }

  /**
   * Our signaling or the peer's was dead for a while (a resume): whatever we sent meanwhile may be
   * lost. An offer still awaiting its answer goes again; a connection that is not up restarts ICE.
   */
  resync(): void {
    if (this.closed) return;
    this.negotiation.resendPendingOffer();
    if (this.status === 'connected' || this.pc.signalingState !== 'stable') return;
    if (this.status === 'unreachable') {
      // Its retries go on; this one comes early, now that the peer's signaling is back.
      if (this.restartsIce) this.pc.restartIce();
      return;
    }
    // The restart the path's loss would have led to after its grace, now: one, not two.
    this.restart();
  }

  /** New ICE servers (fresh TURN credentials) for later gathering, e.g. an ICE restart. */
  updateConfiguration(configuration: RTCConfiguration): void {
    if (this.closed) return;
    try {
      this.pc.setConfiguration(configuration);
    } catch {
      // The old credentials stay in use; at worst a later restart cannot relay.
    }
  }

  /**
   * Sends the tracks of `stream` (another camera or microphone, or one that was missing) in
   * place of ours: a kind we were sending switches track in place (`replaceTrack`, no
   * renegotiation), or to nothing when the new stream lacks it (that device failed: the peer gets
   * no frames rather than a stopped track's); a kind we were not sending (we joined without a
   * camera) is added, which renegotiates.
   */
  replaceLocalTracks(stream: MediaStream): void {
    if (this.closed) return;
    const tracks = stream.getTracks();
    for (const [kind, sender] of this.senders) {
      const track = tracks.find((candidate) => candidate.kind === kind) ?? null;
      sender.replaceTrack(track).catch(() => {
        // The old track stays; the person still sees their new preview and can switch again.
      });
    }
    this.addCameraTracks(
      tracks.filter((track) => !this.senders.has(track.kind)),
      this.cameraStream ?? stream,
    );
  }

  /** Starts sending `stream` as our shared screen, or stops (null); both renegotiate. */
  setScreen(stream: MediaStream | null): void {
    if (this.closed || stream === this.screenStream) return;
    for (const sender of this.screenSenders) this.pc.removeTrack(sender);
    this.screenSenders = [];
    this.screenStream = stream;
    // Said before the tracks are offered, so the peer usually knows the stream for a screen
    // when it arrives; either order ends the same.
    this.mediaState.setLocal(this.outgoingState());
    if (stream) this.addScreenTracks(stream);
  }

  /** We muted, unmuted, or turned the camera off or on: the peer is told (now, or once it can be). */
  setLocalMediaState(state: MediaState): void {
    this.localMediaState = state;
    this.mediaState.setLocal(this.outgoingState());
  }

  /** The connection's stats entries, or null once it is closed or the browser refused. */
  async readStats(): Promise<StatsEntry[] | null> {
    if (this.closed) return null;
    try {
      return [...(await this.pc.getStats()).values()] as StatsEntry[];
    } catch {
      return null;
    }
  }

  /**
   * Limits the camera video we send this peer, or pauses it (null; audio goes on), through the
   * sender's encoding parameters: no renegotiation.
   */
  applyVideoLimits(limits: VideoLimits | null): void {
    const sender = this.senders.get('video');
    const key = JSON.stringify(limits);
    if (this.closed || !sender || key === this.appliedLimits) return;
    const parameters = sender.getParameters();
    // Before the first negotiation there are no encodings to limit: the next round applies.
    if (!parameters.encodings?.length) return;
    for (const encoding of parameters.encodings) {
      encoding.active = limits !== null;
      if (limits) {
        encoding.maxBitrate = limits.maxBitrate;
        encoding.scaleResolutionDownBy = limits.scaleResolutionDownBy;
        encoding.maxFramerate = limits.maxFramerate;
      }
    }
    this.appliedLimits = key;
    sender.setParameters(parameters).catch(() => {
      this.appliedLimits = null;
    });
  }

  /** Tells the peer what we show of its video and what we hold back of ours (when changed). */
  tellQuality(view: PeerView | null, sendLimit: PeerSendLimit | null): void {
    if (this.closed) return;
    if (JSON.stringify([view, sendLimit]) === JSON.stringify([this.view, this.sendLimit])) return;
    this.view = view;
    this.sendLimit = sendLimit;
    this.mediaState.setLocal(this.outgoingState());
  }

  /** Closes the connection and cancels its timer; nothing is reported afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearRestartWindow();
    this.clearRetry();
    if (this.pathWatch !== null) this.options.timers.clearInterval(this.pathWatch);
    this.negotiation.close();
    this.mediaState.close();
    this.pc.close();
  }

  private outgoingState() {
    return {
      ...this.localMediaState,
      screenStreamId: this.screenStream?.id ?? null,
      // Said only once there is something to say: most calls never need them.
      ...(this.view ? { view: this.view } : {}),
      ...(this.sendLimit ? { sendLimit: this.sendLimit } : {}),
    };
  }

  private addCameraTracks(tracks: readonly MediaStreamTrack[], stream: MediaStream): void {
    for (const track of tracks) {
      this.senders.set(track.kind, this.pc.addTrack(track, stream));
      this.cameraStream = stream;
    }
  }

  private addScreenTracks(stream: MediaStream): void {
    this.screenSenders = stream.getTracks().map((track) => this.pc.addTrack(track, stream));
  }

  /** How many media sections our tracks still lack, by kind: what an offer must bring. */
  private sectionsLacking(): OfferRequest {
    const lacking = { audio: 0, video: 0 };
    for (const transceiver of this.pc.getTransceivers()) {
      const kind = transceiver.sender.track?.kind;
      if (transceiver.mid === null && (kind === 'audio' || kind === 'video')) lacking[kind] += 1;
    }
    return lacking;
  }

  /**
   * The polite peer asked for an offer: receive-only transceivers give its new tracks sections
   * to take (those not yet offered count), then we offer.
   */
  private offerRequested(request: OfferRequest): void {
    if (!this.closed) this.negotiation.offerRequested(() => this.addRequestedSections(request));
  }

  /** Receive-only sections for what the peer's request lacks, up to `MAX_SECTIONS_PER_KIND`. */
  private addRequestedSections(request: OfferRequest): void {
    const unoffered = { audio: 0, video: 0 };
    const all = { audio: 0, video: 0 };
    for (const transceiver of this.pc.getTransceivers()) {
      const kind = transceiver.receiver.track.kind;
      if (kind !== 'audio' && kind !== 'video') continue;
      all[kind] += 1;
      if (transceiver.mid === null) unoffered[kind] += 1;
    }
    for (const kind of MEDIA_KINDS) {
      const wanted = Math.min(request[kind] - unoffered[kind], MAX_SECTIONS_PER_KIND - all[kind]);
      for (let added = 0; added < wanted; added += 1)
        this.pc.addTransceiver(kind, { direction: 'recvonly' });
    }
  }

  /**
   * Whether we restart ICE ourselves. After the first exchange only the impolite side offers (see
   * `Negotiation`): the polite side waits for its restart. Before it, the side that offers first.
   */
  private get restartsIce(): boolean {
    return this.negotiation.established ? !this.options.polite : this.role === 'offerer';
  }

  private remoteStateChanged(): void {
    const screenId = this.mediaState.remote.screenStreamId;
    if (this.remoteScreenId && this.remoteScreenId !== screenId) {
      // That share ended: its stream must not pass for a camera now.
      this.remoteStreams.delete(this.remoteScreenId);
      this.endedScreens.add(this.remoteScreenId);
    }
    this.remoteScreenId = screenId;
    this.options.onChange();
  }

  private trackArrived(stream: MediaStream): void {
    if (this.closed || this.endedScreens.has(stream.id)) return;
    // Each track fires; a track joining a known stream still changes what its tile should play.
    this.remoteStreams.set(stream.id, stream);
    this.options.onChange();
  }

  private iceStateChanged(state: RTCIceConnectionState): void {
    if (this.closed) return;
    this.iceState = state;
    switch (state) {
      case 'connected':
      case 'completed':
        this.pathBack();
        this.watchPath();
        break;
      case 'disconnected':
        this.pathLost();
        break;
      case 'failed':
        this.iceFailed();
        break;
      default:
        break;
    }
  }

  private pathBack(): void {
    this.clearRestartWindow();
    this.clearRetry();
    this.restartTried = false;
    if (this.status === 'reconnecting') this.restartVideo();
    this.setStatus('connected');
  }

  /**
   * ICE is `disconnected`, or a steady link received nothing for a while: often it recovers by
   * itself within a second; if not, the path is gone (an address change): restart now rather than
   * at `failed`, tens of seconds later.
   */
  private pathLost(): void {
    if (this.status === 'unreachable') return;
    this.options.onPathLost?.();
    this.setStatus('reconnecting');
    // A restart under way (the silence came first) has its window already; a grace now would
    // count ICE's late `disconnected` as the restart failing.
    if (this.restartWindow !== null) return;
    this.retryAfter(this.options.disconnectedGraceMs ?? DEFAULT_DISCONNECTED_GRACE_MS, () =>
      this.iceFailed(),
    );
  }

  /** Reads the receive counter now and every `pathWatchMs` from the first time ICE is up. */
  private watchPath(): void {
    const everyMs = this.options.pathWatchMs;
    if (everyMs === undefined || this.pathWatch !== null) return;
    this.pathWatch = this.options.timers.setInterval(() => void this.readPath(), everyMs);
    void this.readPath();
  }

  private async readPath(): Promise<void> {
    // While ICE checks or failed, it speaks for the path itself.
    if (this.iceState !== 'connected' && this.iceState !== 'completed') return;
    const entries = await this.readStats();
    if (!entries || this.closed) return;
    const verdict = this.silence.read(receivedBytes(entries), this.options.timers.now());
    if (verdict === 'fell-silent' && this.status === 'connected') this.pathLost();
    // ICE may stay `connected` all through a restart: only the bytes say it is back.
    if (verdict === 'resumed' && this.status === 'reconnecting') this.pathBack();
  }

  /**
   * Back on a path after an outage: the peer's decoder lost frames and would wait for a key frame
   * until its own request (seconds later) got through. Pausing and resuming our video encoding
   * makes the encoder start over with one now.
   */
  private restartVideo(): void {
    const sender = this.senders.get('video');
    if (!sender) return;
    const parameters = sender.getParameters();
    const encodings = parameters.encodings ?? [];
    // Not negotiated yet, or paused on purpose (the upload budget): nothing to restart.
    if (encodings.length === 0 || encodings.every((encoding) => encoding.active === false)) return;
    const active = encodings.map((encoding) => encoding.active ?? true);
    for (const encoding of encodings) encoding.active = false;
    const resume = () => {
      const resumed = sender.getParameters();
      resumed.encodings?.forEach((encoding, i) => (encoding.active = active[i] ?? true));
      return sender.setParameters(resumed);
    };
    sender
      .setParameters(parameters)
      // Once more if another change came in between (each write needs fresh parameters).
      .then(() => resume().catch(resume))
      .catch(() => {
        // The browser refused: the peer's own key frame request still gets it one, later.
      });
  }

  private iceFailed(): void {
    this.clearRetry();
    if (this.status === 'unreachable') {
      this.scheduleRetryWhileUnreachable();
      return;
    }
    if (this.restartTried) {
      this.becomeUnreachable();
      return;
    }
    this.restart();
  }

  /** Restarts ICE once, within `restartWindowMs`; one side restarts, the other answers. */
  private restart(): void {
    this.clearRetry();
    this.setStatus('reconnecting');
    // One side restarts (see `restartsIce`); the other answers its offer.
    if (this.restartsIce) {
      this.restartTried = true;
      this.pc.restartIce();
    }
    if (this.restartWindow === null) {
      this.restartWindow = this.options.timers.setTimeout(() => {
        this.restartWindow = null;
        this.becomeUnreachable();
      }, this.options.restartWindowMs);
    }
  }

  private becomeUnreachable(): void {
    if (this.closed) return;
    this.clearRestartWindow();
    this.setStatus('unreachable');
    this.scheduleRetryWhileUnreachable();
  }

  /**
   * An unreachable peer stays in the meeting: every so often ICE restarts with fresh candidates,
   * so a network that starts letting us through (a firewall change, another Wi-Fi) brings the
   * call back without anyone rejoining.
   */
  private scheduleRetryWhileUnreachable(): void {
    this.retryAfter(this.options.unreachableRetryMs ?? DEFAULT_UNREACHABLE_RETRY_MS, () => {
      if (this.restartsIce) this.pc.restartIce();
      this.scheduleRetryWhileUnreachable();
    });
  }

  private retryAfter(ms: number, retry: () => void): void {
    this.clearRetry();
    this.retryTimer = this.options.timers.setTimeout(() => {
      this.retryTimer = null;
      if (!this.closed) retry();
    }, ms);
  }

  private clearRetry(): void {
    if (this.retryTimer === null) return;
    this.options.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private clearRestartWindow(): void {
    if (this.restartWindow === null) return;
    this.options.timers.clearTimeout(this.restartWindow);
    this.restartWindow = null;
  }

  private setStatus(status: PeerStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.options.onChange();
  }
}
