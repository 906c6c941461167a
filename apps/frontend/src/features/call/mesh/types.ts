import type { IceCandidate, IceServersResponse } from '@qual-meet/protocol';
import type { Timers } from '../../../lib/timers';
import type { JoinTrace } from './join-trace';

/** Events of a signaling socket, delivered by whoever creates it. */
export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: string): void;
  onClose(code: number, reason: string): void;
}

/** The part of a WebSocket the signaling client uses. */
export interface SocketLike {
  send(data: string): void;
  /** Closes the socket; no handler fires for it afterwards. */
  close(code?: number, reason?: string): void;
}

/** Opens a socket to `url`. */
export type CreateWebSocket = (url: string, handlers: SocketHandlers) => SocketLike;

/** Events of a peer connection, delivered by whoever creates it. */
export interface PeerConnectionHandlers {
  /** A local ICE candidate to send to the remote side. */
  onIceCandidate(candidate: IceCandidate): void;
  /** A remote stream began (or gained a track). */
  onTrack(stream: MediaStream): void;
  onIceConnectionStateChange(state: RTCIceConnectionState): void;
  /** Something we send changed (or `restartIce` was called): a new offer is wanted. */
  onNegotiationNeeded(): void;
}

/** What a participant's microphone and camera are doing, as they tell their peers. */
export interface MediaState {
  muted: boolean;
  cameraOff: boolean;
}

/** The part of `RTCDataChannel` the engine uses. */
export interface DataChannelLike {
  readonly readyState: RTCDataChannelState;
  send(data: string): void;
  addEventListener(
    type: 'open' | 'message' | 'close',
    listener: (event: { data?: unknown }) => void,
  ): void;
}

/** The part of `RTCRtpSender` the engine uses: swapping the track it sends. */
export interface RtpSenderLike {
  replaceTrack(track: MediaStreamTrack | null): Promise<void>;
  /** Encoding limits (the upload budget's), changed without renegotiating. */
  getParameters(): RTCRtpSendParameters;
  setParameters(parameters: RTCRtpSendParameters): Promise<void>;
}

/** The part of `RTCRtpTransceiver` the engine reads: whether it has a media section yet. */
export interface TransceiverLike {
  /** Null until a negotiation gave it a media section. */
  readonly mid: string | null;
  readonly sender: { readonly track: MediaStreamTrack | null };
  readonly receiver: { readonly track: { readonly kind: string } };
}

/**
 * The part of `RTCPeerConnection` the engine uses; a real one satisfies it, so the browser
 * adapter only wires the events.
 */
export interface PeerConnectionLike {
  readonly signalingState: RTCSignalingState;
  /** Our current description; while an offer awaits its answer, that offer. */
  readonly localDescription: RTCSessionDescriptionInit | null;
  addTrack(track: MediaStreamTrack, stream: MediaStream): RtpSenderLike;
  removeTrack(sender: RtpSenderLike): void;
  addTransceiver(kind: 'audio' | 'video', init: { direction: 'recvonly' }): unknown;
  getTransceivers(): readonly TransceiverLike[];
  createDataChannel(label: string, init: { negotiated: true; id: number }): DataChannelLike;
  createOffer(): Promise<RTCSessionDescriptionInit>;
  createAnswer(): Promise<RTCSessionDescriptionInit>;
  /** Also `{type: 'rollback'}`, which takes back our offer when the peer's crossed it. */
  setLocalDescription(description: RTCSessionDescriptionInit): Promise<void>;
  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void>;
  addIceCandidate(candidate: RTCIceCandidateInit): Promise<void>;
  setConfiguration(configuration: RTCConfiguration): void;
  /** The next offer gets new ICE credentials; fires `negotiationneeded`. */
  restartIce(): void;
  getStats(): Promise<RTCStatsReport>;
  close(): void;
}

export type CreatePeerConnection = (
  configuration: RTCConfiguration,
  handlers: PeerConnectionHandlers,
) => PeerConnectionLike;

/** Where the engine gets the access token for the signaling `auth` frame. */
export interface TokenSource {
  /** The current token, or null when signed out. */
  getToken(): string | null;
  /** Renews the token through the refresh cookie; null when that is refused. */
  refresh(): Promise<string | null>;
  /** Called after every change of the token (a refresh, or signing out); returns unsubscribe. */
  subscribe(listener: () => void): () => void;
}

/** Everything the engine needs from the outside world. */
export interface MeshDeps {
  createWebSocket: CreateWebSocket;
  createPeerConnection: CreatePeerConnection;
  fetchIceServers(): Promise<IceServersResponse>;
  timers: Timers;
  auth: TokenSource;
  /** Jitter source for reconnect delays; `Math.random` by default. */
  random?: () => number;
  /** Records the steps of a join for the set-up benchmark; nothing by default. */
  trace?: JoinTrace;
}
