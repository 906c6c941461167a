import type {
  Peer,
  ServerMessage,
  SignalingErrorCode,
  TargetedClientMessage,
} from '@qual-meet/protocol';
import { Store } from '../../../lib/store';
import type { TimerHandle, Timers } from '../../../lib/timers';
import type { BackoffOptions } from './backoff';
import { IceServerSource } from './ice-servers';
import { firstOnly, noTrace, type JoinTrace } from './join-trace';
import { PeerLink, type NegotiationRole, type PeerStatus } from './peer-link';
import {
  SignalingClient,
  type SignalingEvent,
  type SignalingTermination,
} from './signaling-client';
import { participantName } from './participant-name';
import { CallQuality } from '../quality/call-quality';
import { RoomFeatures } from './room-features';
import type { MediaState, MeshDeps } from './types';

/**
 * Where the session is. `idle` → `connecting` (ICE servers, socket, auth, `join_room`) →
 * `joined`; a dropped socket goes to `reconnecting` and back to `joined` after rejoining.
 * `left`, `ended` and `failed` are final: everything is closed and no timer is left.
 */
export type MeshPhase =
  'idle' | 'connecting' | 'joined' | 'reconnecting' | 'left' | 'ended' | 'failed';

/** Why a session `failed`. */
export type MeshFailure =
  | 'room_full'
  | 'room_not_found'
  /** The host locked the meeting before we got in. */
  | 'room_locked'
  /** The host removed us (now, or earlier: a removed person cannot come back). */
  | 'removed'
  | SignalingTermination;

/** One remote participant as the UI shows it. */
export interface ParticipantView {
  readonly userId: string;
  readonly displayName: string;
  readonly status: PeerStatus;
  readonly stream: MediaStream | null;
  /** As the participant told us over the connection; false until they do. */
  readonly muted: boolean;
  readonly cameraOff: boolean;
  /**
   * The screen they share, once it arrived; null when they do not share. A screen is shown in a
   * tile of its own, featured (large) by default.
   */
  readonly screen: MediaStream | null;
}

/** Immutable state of the session; a new object on every change. */
export interface MeshSnapshot {
  readonly phase: MeshPhase;
  readonly failure: MeshFailure | null;
  readonly selfUserId: string | null;
  /** Remote participants in the order they were met; never includes us. */
  readonly participants: readonly ParticipantView[];
}

export interface MeshSessionOptions {
  roomId: string;
  /** `ws(s)://<host>/ws`. */
  signalingUrl: string;
  /** Our camera/microphone; null joins receive-only. */
  localStream: MediaStream | null;
  /**
   * The domain of our own email: a participant from another domain is named with theirs
   * ("alice (evil.example)"), so nobody passes for a colleague (see `participantName`).
   */
  selfDomain?: string;
  deps: MeshDeps;
  /** `relay` forces TURN (test switch, see README). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** After ICE failed, how long a restart may take before a peer counts as unreachable. */
  restartWindowMs?: number;
  /** How often a link reads what it received, to tell a lost path early; 0 leaves it to ICE. */
  pathWatchMs?: number;
  backoff?: BackoffOptions;
  /** False turns the upload budget off, leaving each link to itself (benchmark baseline). */
  uploadBudget?: boolean;
}

interface Remote {
  /** As tiles show it: see {@link participantName}. */
  displayName: string;
  link: PeerLink;
}

/** Shown when the server named a peer without a display name (should not happen). */
const UNNAMED = 'Participant';
const FINAL_PHASES: readonly MeshPhase[] = ['left', 'ended', 'failed'];
/**
 * How long the link of a peer that the server says left may wait for the peer's return, while
 * the media between us still flows: when a signaling node dies, the server announces its people
 * as left, then as joined once their sockets are back on another node (DESIGN §4.5). Keeping the
 * link spares everyone a renegotiation. A peer that really left closes its end, and goes at once.
 */
const REJOIN_GRACE_MS = 10_000;
/**
 * An answering link that got no offer this long after we (re)joined offers itself: the peer kept
 * a link to a connection of ours that is gone (we reloaded before it noticed). Both offering is
 * settled like any crossed offers.
 */
const OFFER_PATIENCE_MS = 5_000;
/**
 * When a link loses its ICE path, how long the signaling socket has to answer a heartbeat before
 * it counts as dead too: the restart's offers must not go into a socket whose network is gone.
 */
const SIGNALING_PROBE_MS = 1_000;
/** A steady link's counters grow every 500 ms (see `PeerLink`); slower readings tell later. */
const PATH_WATCH_MS = 500;

/**
 * One person's presence in one meeting: the signaling client plus one {@link PeerLink} per
 * remote participant, exposed as a {@link MeshSnapshot} store for `useSyncExternalStore`.
 *
 * Negotiation follows DESIGN §4.9: on `user_joined` we offer to the newcomer; on `room_joined`
 * (our own arrival, or our return after a reconnect) we create answering links and wait for
 * the others' offers. `user_left`, `room_ended` and leaving remove tiles, so none outlives its
 * participant.
 */
export class MeshSession {
  private readonly store = new Store<MeshSnapshot>({
    phase: 'idle',
    failure: null,
    selfUserId: null,
    participants: [],
  });
  private readonly remotes = new Map<string, Remote>();
  /** Peers the server says left whose link still carries media, by the timer that removes them. */
  private readonly departures = new Map<string, TimerHandle>();
  /** Answering links waiting for their offer, by the timer that gives up waiting. */
  private readonly patience = new Map<string, TimerHandle>();
  private readonly signaling: SignalingClient;
  private readonly ice: IceServerSource;
  private localStream: MediaStream | null;
  private screenStream: MediaStream | null = null;
  private localMediaState: MediaState = { muted: false, cameraOff: false };
  /** From our latest `room_joined`: takes our seat back silently after a lost socket. */
  private resumeToken: string | null = null;
  private readonly trace: JoinTrace;
  /** What the room said before the ICE servers arrived, in order; null once they are there. */
  private beforeIceServers: Exclude<ServerMessage, { type: 'authenticated' }>[] | null = [];

  /** Current state. */
  readonly getSnapshot = this.store.getSnapshot;
  /** Subscribes to state changes; returns the unsubscribe function. */
  readonly subscribe = this.store.subscribe;
  /** Chat, hands, lock and host requests, observable on their own. */
  readonly features: RoomFeatures;
  /** Link health, the upload budget and who is speaking, observable on their own. */
  readonly quality: CallQuality;

  constructor(private readonly options: MeshSessionOptions) {
    const { deps } = options;
    this.localStream = options.localStream;
    this.trace = firstOnly(deps.trace ?? noTrace);
    this.signaling = new SignalingClient({
      url: options.signalingUrl,
      deps: this.traced(deps),
      backoff: options.backoff,
      onEvent: (event) => this.onSignaling(event),
    });
    this.features = new RoomFeatures(
      (frame) => !this.isFinal && this.signaling.send(frame),
      () => deps.timers.now(),
      (sender) => this.nameOf(sender),
    );
    this.quality = new CallQuality({
      timers: deps.timers,
      links: () => [...this.remotes].map(([userId, { link }]) => [userId, link] as const),
      budget: options.uploadBudget ?? true,
    });
    this.ice = new IceServerSource({
      fetchIceServers: async () => {
        this.trace('ice-servers-requested');
        const servers = await deps.fetchIceServers();
        this.trace('ice-servers-received');
        return servers;
      },
      timers: deps.timers,
      onUpdate: () => {
        for (const { link } of this.remotes.values()) {
          link.updateConfiguration(this.rtcConfiguration());
        }
      },
    });
  }

  /**
   * Gets ICE servers, connects and joins the room. Call once. The socket opens, authenticates
   * and joins while the ICE servers are fetched (one round trip less on every join); what the
   * room says meanwhile waits for them, so no connection is made without its STUN/TURN servers.
   */
  async join(): Promise<void> {
    if (this.phase !== 'idle') return;
    this.setPhase('connecting');
    this.signaling.connect();
    await this.ice.start();
    const held = this.beforeIceServers;
    this.beforeIceServers = null;
    for (const message of held ?? []) this.onMessage(message);
  }

  /**
   * Leaves the room (telling the server), closes every connection and cancels every timer.
   * `ended` is for the host who just ended the meeting for everyone.
   */
  leave(outcome: 'left' | 'ended' = 'left'): void {
    if (outcome === 'left') this.signaling.send({ type: 'leave_room' });
    this.finish(outcome, null);
  }

  /**
   * Our camera/microphone changed device mid-call: every connection sends the new tracks in
   * place of the old ones (no renegotiation), and connections made from now on start with them.
   */
  replaceLocalStream(stream: MediaStream): void {
    if (stream === this.localStream || this.isFinal) return;
    this.localStream = stream;
    for (const { link } of this.remotes.values()) link.replaceLocalTracks(stream);
  }

  /**
   * We started sharing a screen (its video, and audio where the browser gave it), or stopped
   * (null): every connection renegotiates, and connections made from now on start with it, so a
   * late joiner gets the share that is running.
   */
  setScreenStream(stream: MediaStream | null): void {
    if (stream === this.screenStream || this.isFinal) return;
    this.screenStream = stream;
    for (const { link } of this.remotes.values()) link.setScreen(stream);
  }

  /** We muted, unmuted, or turned the camera off or on: every participant is told. */
  setLocalMediaState(state: MediaState): void {
    const current = this.localMediaState;
    if (state.muted === current.muted && state.cameraOff === current.cameraOff) return;
    this.localMediaState = { ...state };
    for (const { link } of this.remotes.values()) link.setLocalMediaState(this.localMediaState);
  }

  private get phase(): MeshPhase {
    return this.store.getSnapshot().phase;
  }

  private get isFinal(): boolean {
    return FINAL_PHASES.includes(this.phase);
  }

  private onSignaling(event: SignalingEvent): void {
    if (this.isFinal) return;
    switch (event.type) {
      case 'ready':
        this.trace('authenticated');
        this.store.update((s) => ({ ...s, selfUserId: event.userId }));
        this.signaling.send({
          type: 'join_room',
          roomId: this.options.roomId,
          ...(event.resumed && this.resumeToken ? { resume: this.resumeToken } : {}),
        });
        break;
      case 'message':
        this.traceReceived(event.message);
        if (this.beforeIceServers) this.beforeIceServers.push(event.message);
        else this.onMessage(event.message);
        break;
      case 'connection_lost':
        // Also before the first join: the server may be unreachable from the start.
        this.setPhase('reconnecting');
        break;
      case 'terminated':
        this.finish('failed', event.reason);
        break;
    }
  }

  private onMessage(message: Exclude<ServerMessage, { type: 'authenticated' }>): void {
    if (this.isFinal) return;
    switch (message.type) {
      case 'room_joined':
        this.resumeToken = message.resumeToken ?? null;
        this.features.joined(message);
        if (message.resumed) this.resumed(message.existingPeers, message.peers);
        else this.arrived(message.existingPeers, message.peers);
        break;
      case 'user_resumed':
        // Its socket was dead for a while: what we sent it meanwhile may be lost.
        this.cancelDeparture(message.userId);
        this.remotes.get(message.userId)?.link.resync();
        break;
      case 'user_joined':
        if (message.userId === this.selfUserId) return;
        if (this.departures.has(message.userId) && this.isConnected(message.userId)) {
          // Its socket moved; the media between us never stopped.
          this.cancelDeparture(message.userId);
          return;
        }
        this.addRemote(message.userId, this.nameOf(message), 'offerer');
        break;
      case 'user_left':
        this.peerLeft(message.userId);
        break;
      case 'room_ended':
        if (message.roomId === this.options.roomId) this.finish('ended', null);
        break;
      case 'offer':
        this.offerReceived(message.senderUserId, message.sdp);
        break;
      case 'answer':
        this.remotes.get(message.senderUserId)?.link.acceptAnswer(message.sdp);
        break;
      case 'ice_candidate':
        this.remotes.get(message.senderUserId)?.link.addRemoteCandidate(message.candidate);
        break;
      case 'removed':
        if (message.roomId === this.options.roomId) this.finish('failed', 'removed');
        break;
      case 'chat':
      case 'hand_changed':
      case 'lock_changed':
      case 'mute_request':
        this.features.receive(message);
        break;
      case 'error':
        this.onError(message.code);
        break;
    }
  }

  /**
   * We are (back) in the room: the others will offer, we answer. A link from before that still
   * carries media to someone still here is kept (the others keep theirs too, see
   * `REJOIN_GRACE_MS`); the rest go.
   */
  private arrived(existingPeers: readonly string[], peers: readonly Peer[]): void {
    const present = new Set(existingPeers);
    for (const userId of [...this.remotes.keys()]) {
      if (present.has(userId) && this.isConnected(userId)) this.cancelDeparture(userId);
      else this.removeRemote(userId, false);
    }
    const names = new Map(peers.map((peer) => [peer.userId, this.nameOf(peer)]));
    for (const userId of existingPeers) {
      if (userId !== this.selfUserId && !this.remotes.has(userId)) {
        this.addRemote(userId, names.get(userId) ?? UNNAMED, 'answerer', false);
      }
    }
    this.publish();
    this.setPhase('joined');
  }

  /**
   * We took our seat back from a new socket: the others kept their links to us, so we keep ours
   * to everyone still here, whatever state they are in (ICE may be restarting over a new path),
   * and send again what may have been lost while our socket was dead.
   */
  private resumed(existingPeers: readonly string[], peers: readonly Peer[]): void {
    const present = new Set(existingPeers);
    for (const userId of [...this.remotes.keys()]) {
      if (present.has(userId)) this.cancelDeparture(userId);
      else this.removeRemote(userId, false);
    }
    const names = new Map(peers.map((peer) => [peer.userId, this.nameOf(peer)]));
    for (const userId of existingPeers) {
      const remote = this.remotes.get(userId);
      if (remote) remote.link.resync();
      else if (userId !== this.selfUserId) {
        this.addRemote(userId, names.get(userId) ?? UNNAMED, 'answerer', false);
      }
    }
    this.publish();
    this.setPhase('joined');
  }

  private offerReceived(senderUserId: string, sdp: string): void {
    const remote = this.remotes.get(senderUserId);
    // The peer started over (it did not keep its link through a reconnect): so do we.
    if (remote?.link.isFromAnotherConnection(sdp))
      this.addRemote(senderUserId, remote.displayName, 'answerer');
    // Also when both sides offer at once (views of who arrived first crossed during
    // reconnects, or two renegotiations): the link resolves the glare.
    this.remotes.get(senderUserId)?.link.acceptOffer(sdp);
  }

  /** A peer left, or its socket is moving: a link that still carries media waits a while. */
  private peerLeft(userId: string): void {
    if (!this.isConnected(userId)) {
      this.departed(userId);
      return;
    }
    this.cancelDeparture(userId);
    const timer = this.options.deps.timers.setTimeout(() => {
      this.departures.delete(userId);
      this.departed(userId);
    }, REJOIN_GRACE_MS);
    this.departures.set(userId, timer);
  }

  /** The peer is gone: its tile, and its raised hand. */
  private departed(userId: string): void {
    this.removeRemote(userId);
    this.features.left(userId);
  }

  private cancelDeparture(userId: string): void {
    cancel(this.departures, userId, this.options.deps.timers);
  }

  /** Media flows between us and the peer, whose end is still open. */
  private isConnected(userId: string): boolean {
    const link = this.remotes.get(userId)?.link;
    return link?.status === 'connected' && !link.remoteClosed;
  }

  private linkChanged(userId: string, link: PeerLink): void {
    if (this.remotes.get(userId)?.link !== link) return;
    if (link.status === 'connected') this.trace('ice-connected', userId);
    if (this.departures.has(userId) && !this.isConnected(userId)) this.departed(userId);
    else this.publish();
  }

  private awaitOffer(userId: string, link: PeerLink): void {
    const timer = this.options.deps.timers.setTimeout(() => {
      this.patience.delete(userId);
      const remote = this.remotes.get(userId);
      if (remote?.link === link && !link.negotiated && link.status === 'connecting')
        this.addRemote(userId, remote.displayName, 'offerer');
    }, OFFER_PATIENCE_MS);
    this.patience.set(userId, timer);
  }

  private nameOf(peer: { displayName: string; domain?: string }): string {
    return participantName(peer.displayName || UNNAMED, peer.domain, this.options.selfDomain);
  }

  private onError(code: SignalingErrorCode): void {
    switch (code) {
      case 'room_full':
      case 'room_not_found':
      case 'room_locked':
      case 'removed':
        this.finish('failed', code);
        break;
      case 'not_host':
        this.features.notHost();
        break;
      case 'room_inactive':
        this.finish('ended', null);
        break;
      default:
        // peer_not_found (the peer left mid-negotiation), rate_limited, not_in_room: the
        // connection state or a later user_left tells the rest.
        break;
    }
  }

  private addRemote(
    userId: string,
    displayName: string,
    role: NegotiationRole,
    publish = true,
  ): void {
    this.remotes.get(userId)?.link.close();
    const link = new PeerLink({
      remoteUserId: userId,
      role,
      // Fixed per pair: the higher user id yields when both offer at once.
      polite: (this.selfUserId ?? '') > userId,
      screenStream: this.screenStream,
      configuration: this.rtcConfiguration(),
      localStream: this.localStream,
      localMediaState: this.localMediaState,
      createPeerConnection: this.options.deps.createPeerConnection,
      timers: this.options.deps.timers,
      restartWindowMs: this.options.restartWindowMs ?? 15_000,
      pathWatchMs: this.pathWatchMs(),
      signal: (frame: TargetedClientMessage) => {
        this.traceSent(frame);
        this.signaling.send(frame);
      },
      onChange: () => this.linkChanged(userId, link),
      onPathLost: () => this.signaling.checkAlive(SIGNALING_PROBE_MS),
    });
    cancel(this.patience, userId, this.options.deps.timers);
    this.remotes.set(userId, { displayName, link });
    link.start();
    if (role === 'answerer') this.awaitOffer(userId, link);
    if (publish) this.publish();
  }

  private removeRemote(userId: string, publish = true): void {
    this.cancelDeparture(userId);
    cancel(this.patience, userId, this.options.deps.timers);
    const remote = this.remotes.get(userId);
    if (!remote) return;
    remote.link.close();
    this.remotes.delete(userId);
    if (publish) this.publish();
  }

  private finish(phase: 'left' | 'ended' | 'failed', failure: MeshFailure | null): void {
    if (this.isFinal) return;
    this.signaling.close();
    this.ice.stop();
    this.quality.stop();
    for (const timers of [this.departures, this.patience])
      for (const userId of [...timers.keys()]) cancel(timers, userId, this.options.deps.timers);
    for (const { link } of this.remotes.values()) link.close();
    this.remotes.clear();
    this.store.update((s) => ({ ...s, phase, failure, participants: [] }));
  }

  private get selfUserId(): string | null {
    return this.store.getSnapshot().selfUserId;
  }

  private pathWatchMs(): number | undefined {
    const everyMs = this.options.pathWatchMs ?? PATH_WATCH_MS;
    return everyMs > 0 ? everyMs : undefined;
  }

  private rtcConfiguration(): RTCConfiguration {
    return {
      iceServers: this.ice.servers,
      ...(this.options.iceTransportPolicy
        ? { iceTransportPolicy: this.options.iceTransportPolicy }
        : {}),
    };
  }

  /** The deps with the socket's opening traced (only when tracing: otherwise as they are). */
  private traced(deps: MeshDeps): MeshDeps {
    if (this.trace === noTrace) return deps;
    return {
      ...deps,
      createWebSocket: (url, handlers) =>
        deps.createWebSocket(url, {
          ...handlers,
          onOpen: () => {
            this.trace('socket-opened');
            handlers.onOpen();
          },
        }),
    };
  }

  private traceReceived(message: ServerMessage): void {
    switch (message.type) {
      case 'room_joined':
        return this.trace('room-joined');
      case 'user_joined':
        return this.trace('user-joined', message.userId);
      case 'offer':
        return this.trace('offer-received', message.senderUserId);
      case 'answer':
        return this.trace('answer-received', message.senderUserId);
      case 'ice_candidate':
        return this.trace('first-candidate-received', message.senderUserId);
      default:
        return undefined;
    }
  }

  private traceSent(frame: TargetedClientMessage): void {
    const step = (
      { offer: 'offer-sent', answer: 'answer-sent', ice_candidate: 'first-candidate-sent' } as const
    )[frame.type];
    this.trace(step, frame.targetUserId);
  }

  private setPhase(phase: MeshPhase): void {
    if (phase === this.phase) return;
    if (phase === 'joined') this.quality.start();
    this.store.update((s) => ({ ...s, phase }));
  }

  /** Rebuilds the participant list, keeping unchanged entries identical for memoised tiles. */
  private publish(): void {
    if (this.isFinal) return;
    const previous = new Map(this.store.getSnapshot().participants.map((p) => [p.userId, p]));
    const participants = [...this.remotes].map(([userId, { displayName, link }]) => {
      const before = previous.get(userId);
      const { muted, cameraOff } = link.remoteMedia;
      const { status, stream, screen } = link;
      const next: ParticipantView = {
        userId,
        displayName,
        status,
        stream,
        muted,
        cameraOff,
        screen,
      };
      const unchanged =
        before &&
        (Object.keys(next) as (keyof ParticipantView)[]).every((key) => before[key] === next[key]);
      return unchanged ? before : next;
    });
    this.store.update((s) => ({ ...s, participants }));
  }
}

/** Clears and forgets the timer kept for `userId`, if any. */
function cancel(
  timers: Map<string, TimerHandle>,
  userId: string,
  clock: Pick<Timers, 'clearTimeout'>,
): void {
  const timer = timers.get(userId);
  if (timer === undefined) return;
  clock.clearTimeout(timer);
  timers.delete(userId);
}
