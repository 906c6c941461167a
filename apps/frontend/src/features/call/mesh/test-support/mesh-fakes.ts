import type {
  ClientMessage,
  IceCandidate,
  IceServersResponse,
  ServerMessage,
} from '@qual-meet/protocol';
import type { StatsEntry } from '../../quality/link-stats';
import { FakeClock } from '../../../../test-support/fake-clock';
import type {
  CreatePeerConnection,
  CreateWebSocket,
  MeshDeps,
  DataChannelLike,
  PeerConnectionHandlers,
  PeerConnectionLike,
  RtpSenderLike,
  TransceiverLike,
  SocketHandlers,
  SocketLike,
  TokenSource,
} from '../types';

/** A socket whose server side the test plays. */
export class FakeSocket implements SocketLike {
  /** Frames the client sent, parsed. */
  readonly sent: ClientMessage[] = [];
  closedWith: { code?: number; reason?: string } | null = null;

  constructor(
    readonly url: string,
    private readonly handlers: SocketHandlers,
  ) {}

  /** Whether the server answers heartbeats (false: the network went away without a close). */
  answerHeartbeats = true;

  send(data: string): void {
    if (this.closedWith) throw new Error('send on a closed socket');
    const frame = JSON.parse(data) as ClientMessage;
    this.sent.push(frame);
    if (frame.type === 'heartbeat' && this.answerHeartbeats)
      this.receive({ type: 'heartbeat_ack' });
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }

  /** The connection is established. */
  open(): void {
    this.handlers.onOpen();
  }

  /** The server sends a frame (anything: tests also send invalid ones). */
  receive(message: ServerMessage | Record<string, unknown> | string): void {
    this.handlers.onMessage(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Opens and authenticates as `userId`. */
  authenticate(userId: string): void {
    this.open();
    this.receive({ type: 'authenticated', userId });
  }

  /** The server or the network closes the socket. */
  drop(code = 1006, reason = ''): void {
    this.closedWith = { code, reason };
    this.handlers.onClose(code, reason);
  }

  framesOf<T extends ClientMessage['type']>(type: T): Extract<ClientMessage, { type: T }>[] {
    return this.sent.filter((m): m is Extract<ClientMessage, { type: T }> => m.type === type);
  }
}

/** Records every socket the client opens. */
export class FakeSocketFactory {
  readonly sockets: FakeSocket[] = [];
  readonly create: CreateWebSocket = (url, handlers) => {
    const socket = new FakeSocket(url, handlers);
    this.sockets.push(socket);
    return socket;
  };

  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }
}

/** Lets a test decide when a pending `setRemoteDescription` completes. */
interface Gate {
  promise: Promise<void>;
  release(): void;
}

function gate(): Gate {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

type Kind = 'audio' | 'video';

/** A track as a fake description carries it: what the remote side will receive. */
interface CarriedTrack {
  trackId: string;
  kind: string;
  streamId: string;
}

/** What a fake SDP stands for: the media sections per kind and the tracks sent in them. */
interface FakeSdpContent {
  sections: Record<Kind, number>;
  tracks: CarriedTrack[];
}

/**
 * Fake SDPs are short labels (`offer-1`, `answer-to-offer-1`) so tests read well; what each one
 * carries is kept here, keyed by label. Peers that talk to each other in one test get a name
 * prefix from their factory, so their labels never collide.
 */
const sdpContents = new Map<string, FakeSdpContent>();

interface LocalSender {
  kind: string;
  track: MediaStreamTrack | null;
  stream: MediaStream;
  removed: boolean;
}

const emptySections = (): Record<Kind, number> => ({ audio: 0, video: 0 });

/**
 * An RTCPeerConnection stand-in that records, in order, what the engine did to it, and lets
 * the test emit its events. Like a browser it keeps a signaling state and refuses what that
 * state forbids (a remote offer while our own is out, an answer in `stable`, candidates before a
 * remote description), fires `negotiationneeded` when something it sends is not yet negotiated
 * (again once back in `stable`, if still so), and reports the tracks a remote description
 * carries as remote streams.
 */
export class FakePeerConnection implements PeerConnectionLike {
  /** Operations in the order they took effect, e.g. `remote:offer:sdp`, `candidate:c1`. */
  readonly log: string[] = [];
  readonly tracks: { kind: string; stream: MediaStream }[] = [];
  /** What each sender sends now, in the order the senders were made (`replaceTrack` included). */
  readonly sending: (MediaStreamTrack | null)[] = [];
  readonly transceivers: string[] = [];
  readonly configurations: RTCConfiguration[] = [];
  /** Each sender's encoding parameters as last set (`setParameters`), by sender index. */
  readonly sendParameters: (RTCRtpSendParameters | undefined)[] = [];
  /** Every `setParameters`: `<sender index>:<each encoding's active>`. */
  readonly parameterWrites: string[] = [];
  signalingState: RTCSignalingState = 'stable';
  remoteDescription: RTCSessionDescriptionInit | null = null;
  localDescription: RTCSessionDescriptionInit | null = null;
  /** Remote streams by id, holding the ids of the tracks the peer sends in them. */
  readonly remoteStreams = new Map<string, { stream: MediaStream; trackIds: Set<string> }>();
  /** How many times `negotiationneeded` fired. */
  negotiationNeededEvents = 0;
  closed = false;
  private offers = 0;
  private remoteGate: Gate | null = null;
  private readonly senders: LocalSender[] = [];
  private readonly recvonly = emptySections();
  private hasChannel = false;
  private restartPending = false;
  /** Media sections both sides agreed on so far. */
  private sections = emptySections();
  /** Our tracks the peer has received, from the last exchange that completed. */
  private delivered = new Set<string>();
  private everNegotiated = false;
  private pendingOffer: FakeSdpContent | null = null;
  private remoteOffer: FakeSdpContent | null = null;
  private eventQueued = false;

  constructor(
    readonly configuration: RTCConfiguration,
    private readonly handlers: PeerConnectionHandlers,
    private readonly sdpPrefix = '',
  ) {}

  addTrack(track: MediaStreamTrack, stream: MediaStream): RtpSenderLike {
    this.tracks.push({ kind: track.kind, stream });
    const index = this.sending.push(track) - 1;
    const sender: LocalSender = { kind: track.kind, track, stream, removed: false };
    this.senders.push(sender);
    this.updateNegotiationNeeded();
    return Object.assign(
      {
        replaceTrack: async (next: MediaStreamTrack | null) => {
          this.sending[index] = next;
        },
        // One encoding, as a browser has once the sender was negotiated.
        getParameters: () => plainCopy(this.sendParameters[index] ?? { encodings: [{}] }),
        setParameters: async (parameters: RTCRtpSendParameters) => {
          this.sendParameters[index] = plainCopy(parameters);
          this.parameterWrites.push(`${index}:${parameters.encodings?.map((e) => e.active)}`);
        },
      },
      { fakeIndex: index },
    ) as RtpSenderLike;
  }

  /** What the report `getStats` answers holds; tests set it. */
  stats: StatsEntry[] = [];

  async getStats(): Promise<RTCStatsReport> {
    return new Map(this.stats.map((entry) => [entry.id, entry])) as unknown as RTCStatsReport;
  }

  removeTrack(sender: RtpSenderLike): void {
    const index = (sender as { fakeIndex?: number }).fakeIndex;
    const local = index === undefined ? undefined : this.senders[index];
    if (!local || index === undefined) throw new Error('InvalidAccessError: not our sender');
    local.removed = true;
    this.sending[index] = null;
    this.log.push(`remove-track:${local.track?.kind ?? 'none'}`);
    this.updateNegotiationNeeded();
  }

  addTransceiver(kind: Kind, init: { direction: 'recvonly' }): void {
    this.transceivers.push(`${kind}:${init.direction}`);
    this.recvonly[kind] += 1;
    this.updateNegotiationNeeded();
  }

  /**
   * Per kind, senders then receive-only transceivers in the order made; as many as the agreed
   * sections have a mid, the rest are not negotiated yet.
   */
  getTransceivers(): TransceiverLike[] {
    return (['audio', 'video'] as const).flatMap((kind) => {
      const sending = this.senders
        .map((sender, index) => ({ sender, index }))
        .filter(({ sender }) => sender.kind === kind)
        .map(({ index }) => this.sending[index] ?? null);
      const all = [...sending, ...Array.from({ length: this.recvonly[kind] }, () => null)];
      return all.map((track, index) => ({
        mid: index < this.sections[kind] ? `${kind}-${index}` : null,
        sender: { track },
        receiver: { track: { kind } },
      }));
    });
  }

  /** The media-state channel, once made; see {@link FakeDataChannel}. */
  channel: FakeDataChannel | null = null;

  createDataChannel(label: string, init: { negotiated: true; id: number }): DataChannelLike {
    this.channel = new FakeDataChannel(label, init.id);
    this.hasChannel = true;
    this.updateNegotiationNeeded();
    return this.channel;
  }

  async createOffer(): Promise<RTCSessionDescriptionInit> {
    this.offers += 1;
    const sdp = `${this.sdpPrefix}offer-${this.offers}${this.restartPending ? '-restart' : ''}`;
    const sections = { ...this.sections };
    for (const kind of ['audio', 'video'] as const) {
      const wanted = this.liveSenders().filter((s) => s.track?.kind === kind).length;
      sections[kind] = Math.max(sections[kind], wanted + this.recvonly[kind]);
    }
    sdpContents.set(sdp, { sections, tracks: this.carried(this.liveSenders()) });
    this.log.push(`create:${sdp}`);
    return { type: 'offer', sdp };
  }

  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    if (this.signalingState !== 'have-remote-offer' || !this.remoteDescription)
      throw new Error('InvalidStateError: no remote offer');
    const sdp = `answer-to-${this.remoteDescription.sdp}`;
    const offered = this.remoteOffer?.sections ?? { audio: 1, video: 1 };
    // Our tracks fit in the offer's sections of their kind, first come first served; the rest
    // need an offer of ours.
    const fitting: LocalSender[] = [];
    for (const kind of ['audio', 'video'] as const) {
      fitting.push(
        ...this.liveSenders()
          .filter((s) => s.track?.kind === kind)
          .slice(0, offered[kind]),
      );
    }
    sdpContents.set(sdp, { sections: offered, tracks: this.carried(fitting) });
    return { type: 'answer', sdp };
  }

  async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    switch (description.type) {
      case 'rollback':
        if (this.signalingState !== 'have-local-offer')
          throw new Error('InvalidStateError: nothing to roll back');
        this.pendingOffer = null;
        this.log.push('local:rollback');
        this.becomeStable(this.delivered);
        return;
      case 'offer':
        if (this.signalingState !== 'stable' && this.signalingState !== 'have-local-offer')
          throw new Error(`InvalidStateError: local offer in ${this.signalingState}`);
        this.pendingOffer = sdpContents.get(description.sdp ?? '') ?? null;
        this.restartPending = false;
        this.signalingState = 'have-local-offer';
        break;
      case 'answer': {
        if (this.signalingState !== 'have-remote-offer')
          throw new Error(`InvalidStateError: local answer in ${this.signalingState}`);
        const content = sdpContents.get(description.sdp ?? '');
        if (this.remoteOffer) this.sections = { ...this.remoteOffer.sections };
        this.localDescription = description;
        this.log.push(`local:${description.type}:${description.sdp}`);
        this.becomeStable(new Set(content?.tracks.map((t) => t.trackId) ?? []));
        return;
      }
      default:
        break;
    }
    this.localDescription = description;
    this.log.push(`local:${description.type}:${description.sdp}`);
  }

  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    const pending = this.remoteGate;
    this.remoteGate = null;
    if (pending) await pending.promise;
    const content = sdpContents.get(description.sdp ?? '') ?? null;
    if (description.type === 'offer') {
      if (this.signalingState !== 'stable' && this.signalingState !== 'have-remote-offer')
        throw new Error(`InvalidStateError: remote offer in ${this.signalingState}`);
      this.remoteOffer = content;
      this.signalingState = 'have-remote-offer';
    } else if (description.type === 'answer') {
      if (this.signalingState !== 'have-local-offer')
        throw new Error(`InvalidStateError: remote answer in ${this.signalingState}`);
    }
    this.remoteDescription = description;
    this.log.push(`remote:${description.type}:${description.sdp}`);
    if (content) this.receiveTracks(content.tracks);
    if (description.type === 'answer') {
      const offer = this.pendingOffer;
      this.pendingOffer = null;
      if (offer) this.sections = { ...offer.sections };
      this.becomeStable(new Set(offer?.tracks.map((t) => t.trackId) ?? []));
    }
  }

  async addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (!this.remoteDescription) throw new Error('InvalidStateError: no remote description');
    this.log.push(`candidate:${candidate.candidate}`);
  }

  setConfiguration(configuration: RTCConfiguration): void {
    this.configurations.push(configuration);
  }

  restartIce(): void {
    this.restartPending = true;
    this.log.push('restart-ice');
    this.updateNegotiationNeeded();
  }

  close(): void {
    this.closed = true;
    this.signalingState = 'closed';
  }

  /** The ids of the tracks the peer sends us now, across its streams. */
  get remoteTrackIds(): string[] {
    return [...this.remoteStreams.values()].flatMap(({ trackIds }) => [...trackIds]);
  }

  /** The next `setRemoteDescription` waits until the returned function is called. */
  holdNextRemoteDescription(): () => void {
    const held = gate();
    this.remoteGate = held;
    return held.release;
  }

  emitCandidate(candidate: IceCandidate): void {
    this.handlers.onIceCandidate(candidate);
  }

  emitTrack(stream: MediaStream): void {
    this.handlers.onTrack(stream);
  }

  emitIceState(state: RTCIceConnectionState): void {
    this.handlers.onIceConnectionStateChange(state);
  }

  private liveSenders(): LocalSender[] {
    return this.senders.filter((s) => !s.removed && s.track !== null);
  }

  private carried(senders: LocalSender[]): CarriedTrack[] {
    return senders.map((s) => ({
      trackId: trackIdOf(s.track as MediaStreamTrack),
      kind: (s.track as MediaStreamTrack).kind,
      streamId: s.stream.id,
    }));
  }

  private becomeStable(delivered: Set<string>): void {
    this.signalingState = 'stable';
    if (delivered !== this.delivered) {
      this.delivered = delivered;
      this.everNegotiated = true;
    }
    this.remoteOffer = null;
    this.updateNegotiationNeeded();
  }

  private negotiationNeeded(): boolean {
    if (this.restartPending) return true;
    if (!this.everNegotiated)
      return this.hasChannel || this.senders.length > 0 || this.transceivers.length > 0;
    const live = this.liveSenders().map((s) => trackIdOf(s.track as MediaStreamTrack));
    return live.length !== this.delivered.size || live.some((id) => !this.delivered.has(id));
  }

  /** Like the browser: the event fires as a later task, and only from `stable`. */
  private updateNegotiationNeeded(): void {
    if (this.closed || this.eventQueued || this.signalingState !== 'stable') return;
    if (!this.negotiationNeeded()) return;
    this.eventQueued = true;
    queueMicrotask(() => {
      this.eventQueued = false;
      if (this.closed || this.signalingState !== 'stable' || !this.negotiationNeeded()) return;
      this.negotiationNeededEvents += 1;
      this.handlers.onNegotiationNeeded();
    });
  }

  private receiveTracks(tracks: CarriedTrack[]): void {
    const now = new Set(tracks.map((t) => t.trackId));
    for (const entry of this.remoteStreams.values()) {
      for (const id of entry.trackIds) if (!now.has(id)) entry.trackIds.delete(id);
    }
    for (const track of tracks) {
      let entry = this.remoteStreams.get(track.streamId);
      if (!entry) {
        entry = { stream: remoteStream(track.streamId), trackIds: new Set() };
        this.remoteStreams.set(track.streamId, entry);
      }
      if (entry.trackIds.has(track.trackId)) continue;
      entry.trackIds.add(track.trackId);
      this.handlers.onTrack(entry.stream);
    }
  }
}

const trackIds = new WeakMap<object, string>();
let nextTrackId = 0;

/** A fake track's id (fake tracks get one on first use). */
function trackIdOf(track: MediaStreamTrack): string {
  const own = (track as { id?: string }).id;
  if (own) return own;
  let id = trackIds.get(track);
  if (!id) {
    id = `track-${++nextTrackId}`;
    trackIds.set(track, id);
  }
  return id;
}

/** The stand-in for a stream the peer sends, with the sender's stream id. */
function remoteStream(id: string): MediaStream {
  return {
    id,
    getTracks: () => [],
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  } as unknown as MediaStream;
}

/** A deep copy of plain data; jsdom (component tests) has no `structuredClone`. */
function plainCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Records every peer connection the engine creates. */
export class FakePeerConnectionFactory {
  readonly created: FakePeerConnection[] = [];

  /** `name` prefixes the SDP labels of its connections (see the fake's SDPs). */
  constructor(private readonly name = '') {}

  readonly create: CreatePeerConnection = (configuration, handlers) => {
    const pc = new FakePeerConnection(configuration, handlers, this.name ? `${this.name}-` : '');
    this.created.push(pc);
    return pc;
  };

  get last(): FakePeerConnection {
    const pc = this.created.at(-1);
    if (!pc) throw new Error('no peer connection was created');
    return pc;
  }
}

/** A stand-in data channel: `open()` and `receive()` play the peer, `sent` records ours. */
export class FakeDataChannel implements DataChannelLike {
  readyState: RTCDataChannelState = 'connecting';
  readonly sent: string[] = [];
  private readonly listeners = {
    open: [] as (() => void)[],
    message: [] as ((e: { data?: unknown }) => void)[],
    close: [] as (() => void)[],
  };

  constructor(
    readonly label: string,
    readonly id: number,
  ) {}

  send(data: string): void {
    if (this.readyState !== 'open') throw new Error('channel not open');
    this.sent.push(data);
  }

  addEventListener(
    type: 'open' | 'message' | 'close',
    listener: (event: { data?: unknown }) => void,
  ): void {
    if (type === 'message') this.listeners.message.push(listener);
    else this.listeners[type].push(() => listener({}));
  }

  open(): void {
    this.readyState = 'open';
    for (const listener of this.listeners.open) listener();
  }

  receive(data: unknown): void {
    for (const listener of this.listeners.message) listener({ data });
  }

  /** The peer closed its connection. */
  remoteClose(): void {
    this.readyState = 'closed';
    for (const listener of this.listeners.close) listener();
  }
}

let fakeTracks = 0;
let fakeStreams = 0;

/** A stand-in MediaStreamTrack that remembers being stopped. */
export class FakeTrack {
  enabled = true;
  readyState: MediaStreamTrackState = 'live';
  readonly id = `fake-track-${++fakeTracks}`;
  private readonly endedListeners: (() => void)[] = [];
  constructor(readonly kind: 'audio' | 'video') {}
  addEventListener(type: 'ended', listener: () => void): void {
    if (type === 'ended') this.endedListeners.push(listener);
  }
  removeEventListener(type: 'ended', listener: () => void): void {
    const index = this.endedListeners.indexOf(listener);
    if (type === 'ended' && index !== -1) this.endedListeners.splice(index, 1);
  }
  /** The browser ended the track by itself (its own "Stop sharing", an unplugged device). */
  end(): void {
    this.readyState = 'ended';
    for (const listener of [...this.endedListeners]) listener();
  }
  stop(): void {
    this.readyState = 'ended';
  }
}

/** A stand-in MediaStream with tracks of the given kinds. */
export function fakeStream(...kinds: ('audio' | 'video')[]): MediaStream {
  const tracks = kinds.map((kind) => new FakeTrack(kind));
  return {
    id: `stream-${kinds.join('-')}-${++fakeStreams}`,
    getTracks: () => tracks,
    getVideoTracks: () => tracks.filter((track) => track.kind === 'video'),
    getAudioTracks: () => tracks.filter((track) => track.kind === 'audio'),
    addTrack: (track: FakeTrack) => tracks.push(track),
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  } as unknown as MediaStream;
}

/** A remote candidate named `name`. */
export function candidate(name: string): IceCandidate {
  return { candidate: name, sdpMid: '0', sdpMLineIndex: 0 };
}

export const iceResponse = (ttl = 600, tag = 'a'): IceServersResponse => ({
  iceServers: [
    { urls: ['stun:turn.test:3478'] },
    { urls: ['turn:turn.test:3478?transport=udp'], username: `u-${tag}`, credential: `c-${tag}` },
  ],
  ttl,
});

export interface FakeAuth extends TokenSource {
  token: string | null;
  /** What the next `refresh()` yields. */
  nextToken: string | null;
  refreshes: number;
  /** The token changed outside the engine (the app's own scheduled refresh, or a logout). */
  change(token: string | null): void;
  readonly listeners: Set<() => void>;
}

function fakeAuth(token: string | null = 'token-1'): FakeAuth {
  const listeners = new Set<() => void>();
  const auth: FakeAuth = {
    token,
    nextToken: 'token-2',
    refreshes: 0,
    listeners,
    getToken: () => auth.token,
    refresh: async () => {
      auth.refreshes += 1;
      auth.change(auth.nextToken);
      return auth.token;
    },
    change: (next) => {
      auth.token = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return auth;
}

/** Every fake the engine needs, wired as {@link MeshDeps}. */
export function fakeMeshDeps(): {
  deps: MeshDeps;
  clock: FakeClock;
  sockets: FakeSocketFactory;
  pcs: FakePeerConnectionFactory;
  auth: FakeAuth;
  iceFetches: { count: number; next: () => Promise<IceServersResponse> };
} {
  const clock = new FakeClock();
  const sockets = new FakeSocketFactory();
  const pcs = new FakePeerConnectionFactory();
  const auth = fakeAuth();
  const iceFetches = { count: 0, next: async () => iceResponse() };
  return {
    clock,
    sockets,
    pcs,
    auth,
    iceFetches,
    deps: {
      createWebSocket: sockets.create,
      createPeerConnection: pcs.create,
      fetchIceServers: () => {
        iceFetches.count += 1;
        return iceFetches.next();
      },
      timers: clock,
      auth,
      random: () => 0,
    },
  };
}
