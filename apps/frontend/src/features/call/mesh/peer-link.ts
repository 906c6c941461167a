import type { IceCandidate, TargetedClientMessage } from '@qual-meet/protocol';
import type { TimerHandle, Timers } from '../../../lib/timers';
import type {
  CreatePeerConnection,
  DataChannelLike,
  MediaState,
  PeerConnectionLike,
  RtpSenderLike,
} from './types';

/**
 * Who starts negotiation with this peer. DESIGN §4.9: members already in the room offer to the
 * newcomer; the newcomer only answers.
 */
export type NegotiationRole = 'offerer' | 'answerer';

/** What a participant's tile shows about the media connection. */
export type PeerStatus = 'connecting' | 'connected' | 'reconnecting' | 'unreachable';

export interface PeerLinkOptions {
  remoteUserId: string;
  role: NegotiationRole;
  configuration: RTCConfiguration;
  /** Our camera/microphone; null joins receive-only. */
  localStream: MediaStream | null;
  /** Whether we are muted and our camera off, told to the peer (see {@link PeerLink}). */
  localMediaState: MediaState;
  createPeerConnection: CreatePeerConnection;
  timers: Timers;
  /** Sends a negotiation frame to the remote user through signaling. */
  signal(message: TargetedClientMessage): void;
  /** Called whenever `status` or `stream` changed. */
  onChange(): void;
  /** After ICE failed, how long the restart may take before the peer counts as unreachable. */
  restartWindowMs: number;
}

const MEDIA_KINDS = ['audio', 'video'] as const;
/** The peer-to-peer channel that carries {@link MediaState}, made on both sides (negotiated). */
const MEDIA_STATE_CHANNEL = { label: 'media-state', init: { negotiated: true, id: 0 } } as const;
/** Longer messages on it are not ours: ignored. */
const MAX_MEDIA_STATE_BYTES = 256;

/** A {@link MediaState} from the peer, or null for anything else. */
function mediaStateOf(data: unknown): MediaState | null {
  if (typeof data !== 'string' || data.length > MAX_MEDIA_STATE_BYTES) return null;
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== 'object' || value === null) return null;
    const { muted, cameraOff } = value as Record<string, unknown>;
    return typeof muted === 'boolean' && typeof cameraOff === 'boolean'
      ? { muted, cameraOff }
      : null;
  } catch {
    return null;
  }
}

/**
 * One `RTCPeerConnection` to one remote user.
 *
 * Every negotiation step runs through one promise chain, so descriptions and candidates are
 * applied in the order they arrived. Candidates that come before the remote description are
 * held and applied, in order, right after it. When ICE fails the offerer restarts ICE once; if
 * the connection is not back within `restartWindowMs` (or fails again) the peer is marked
 * unreachable.
 */
export class PeerLink {
  /** Connection state as a person would describe it. */
  status: PeerStatus = 'connecting';
  /** The remote camera and microphone, once their first track arrived. */
  stream: MediaStream | null = null;
  /**
   * The peer closed its end (it left or reloaded): its media-state channel closed under us,
   * which happens at once, long before ICE notices.
   */
  remoteClosed = false;
  /** Whether the peer is muted or has its camera off, as it last told us. */
  remoteMedia: MediaState = { muted: false, cameraOff: false };

  readonly role: NegotiationRole;
  private readonly pc: PeerConnectionLike;
  /** What we send, by kind: a device switch swaps the track in place. */
  private readonly senders = new Map<MediaStreamTrack['kind'], RtpSenderLike>();
  private chain: Promise<void> = Promise.resolve();
  private hasRemoteDescription = false;
  /** DTLS fingerprint of the remote connection we negotiated with, once known. */
  private remoteFingerprint: string | null = null;
  private heldCandidates: IceCandidate[] = [];
  private restartTried = false;
  private restartWindow: TimerHandle | null = null;
  private closed = false;
  private readonly channel: DataChannelLike;
  private localMediaState: MediaState;

  constructor(private readonly options: PeerLinkOptions) {
    this.role = options.role;
    this.localMediaState = options.localMediaState;
    this.pc = options.createPeerConnection(options.configuration, {
      onIceCandidate: (candidate) => {
        if (this.closed) return;
        options.signal({ type: 'ice_candidate', targetUserId: options.remoteUserId, candidate });
      },
      onTrack: (stream) => {
        if (this.closed || stream === this.stream) return;
        this.stream = stream;
        options.onChange();
      },
      onIceConnectionStateChange: (state) => this.iceStateChanged(state),
    });
    const stream = options.localStream;
    const tracks = stream?.getTracks() ?? [];
    for (const track of tracks) {
      this.senders.set(track.kind, this.pc.addTrack(track, stream as MediaStream));
    }
    // Mute and camera-off travel peer to peer, beside the media: the servers never see them.
    this.channel = this.pc.createDataChannel(MEDIA_STATE_CHANNEL.label, MEDIA_STATE_CHANNEL.init);
    this.channel.addEventListener('open', () => this.sendMediaState());
    this.channel.addEventListener('message', (event) => this.receiveMediaState(event.data));
    this.channel.addEventListener('close', () => {
      if (this.closed) return;
      this.remoteClosed = true;
      options.onChange();
    });
    if (this.role === 'offerer') {
      // The offer must carry an audio and a video section even when we send neither, or a
      // receive-only offerer would leave the answerer no way to send us its media.
      for (const kind of MEDIA_KINDS) {
        if (!tracks.some((track) => track.kind === kind)) {
          this.pc.addTransceiver(kind, { direction: 'recvonly' });
        }
      }
    }
  }

  /** Offerer only: sends the first offer. */
  start(): void {
    if (this.role === 'offerer') this.enqueue(() => this.sendOffer(false));
  }

  /** Applies a remote offer (first one, or an ICE restart) and answers it. */
  acceptOffer(sdp: string): void {
    this.enqueue(async () => {
      if (this.hasRemoteDescription) this.restartTried = true;
      await this.applyRemoteDescription({ type: 'offer', sdp });
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      this.options.signal({
        type: 'answer',
        targetUserId: this.options.remoteUserId,
        sdp: answer.sdp ?? '',
      });
    });
  }

  /** Whether a remote description was applied (an answerer that has one got its offer). */
  get negotiated(): boolean {
    return this.hasRemoteDescription;
  }

  /**
   * Whether an offer comes from another connection of the peer than the one this link talks
   * to (its certificate differs): the peer started over, so renegotiating this link cannot work.
   */
  isFromAnotherConnection(sdp: string): boolean {
    const fingerprint = fingerprintOf(sdp);
    return (
      this.remoteFingerprint !== null &&
      fingerprint !== null &&
      fingerprint !== this.remoteFingerprint
    );
  }

  /** Applies the remote answer to our offer. */
  acceptAnswer(sdp: string): void {
    this.enqueue(() => this.applyRemoteDescription({ type: 'answer', sdp }));
  }

  /** Applies a remote candidate now, or holds it until the remote description is set. */
  addRemoteCandidate(candidate: IceCandidate): void {
    this.enqueue(async () => {
      if (!this.hasRemoteDescription) this.heldCandidates.push(candidate);
      else await this.addCandidate(candidate);
    });
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
   * Sends the tracks of `stream` (another camera or microphone) in place of ours, without
   * renegotiating: each kind we were sending switches to the new track of that kind, or to
   * nothing when the new stream lacks it (that device failed to open: the peer gets no frames
   * rather than a stopped track's, and a later switch brings it back). A kind we did not send
   * when the link was made (we joined without a camera, say) would need a new negotiation, and
   * is left for the next join.
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
  }

  /** We muted, unmuted, or turned the camera off or on: the peer is told (now, or once it can be). */
  setLocalMediaState(state: MediaState): void {
    this.localMediaState = state;
    this.sendMediaState();
  }

  private sendMediaState(): void {
    if (this.closed || this.channel.readyState !== 'open') return;
    this.channel.send(JSON.stringify(this.localMediaState));
  }

  private receiveMediaState(data: unknown): void {
    const state = mediaStateOf(data);
    if (this.closed || !state) return;
    if (state.muted === this.remoteMedia.muted && state.cameraOff === this.remoteMedia.cameraOff)
      return;
    this.remoteMedia = state;
    this.options.onChange();
  }

  /** Closes the connection and cancels its timer; nothing is reported afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clearRestartWindow();
    this.heldCandidates = [];
    this.pc.close();
  }

  private async sendOffer(iceRestart: boolean): Promise<void> {
    const offer = await this.pc.createOffer(iceRestart ? { iceRestart } : undefined);
    await this.pc.setLocalDescription(offer);
    this.options.signal({
      type: 'offer',
      targetUserId: this.options.remoteUserId,
      sdp: offer.sdp ?? '',
    });
  }

  private async applyRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    await this.pc.setRemoteDescription(description);
    this.hasRemoteDescription = true;
    this.remoteFingerprint = fingerprintOf(description.sdp ?? '') ?? this.remoteFingerprint;
    const held = this.heldCandidates;
    this.heldCandidates = [];
    for (const candidate of held) await this.addCandidate(candidate);
  }

  private async addCandidate(candidate: IceCandidate): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch {
      // One unusable candidate (say, from before an ICE restart) must not stop the others.
    }
  }

  private iceStateChanged(state: RTCIceConnectionState): void {
    if (this.closed) return;
    switch (state) {
      case 'connected':
      case 'completed':
        this.clearRestartWindow();
        this.restartTried = false;
        this.setStatus('connected');
        break;
      case 'disconnected':
        // Often recovers by itself within seconds; failing is reported as `failed`.
        this.setStatus('reconnecting');
        break;
      case 'failed':
        this.iceFailed();
        break;
      default:
        break;
    }
  }

  private iceFailed(): void {
    if (this.restartTried) {
      this.becomeUnreachable();
      return;
    }
    this.setStatus('reconnecting');
    if (this.role === 'offerer') {
      this.restartTried = true;
      this.enqueue(() => this.sendOffer(true));
    }
    if (this.restartWindow === null) {
      this.restartWindow = this.options.timers.setTimeout(() => {
        this.restartWindow = null;
        this.becomeUnreachable();
      }, this.options.restartWindowMs);
    }
  }

  private becomeUnreachable(): void {
    this.clearRestartWindow();
    this.setStatus('unreachable');
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

  /** Runs `step` after every earlier step; a failed description marks the peer unreachable. */
  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain
      .then(() => (this.closed ? undefined : step()))
      .catch(() => {
        if (!this.closed) this.becomeUnreachable();
      });
  }
}

/** The `a=fingerprint:` of an SDP (every media section of ours carries the same one). */
function fingerprintOf(sdp: string): string | null {
  return /^a=fingerprint:(.+)$/m.exec(sdp)?.[1]?.trim() ?? null;
}
