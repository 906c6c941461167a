import type {
  ClientMessage,
  IceCandidate,
  IceServersResponse,
  ServerMessage,
} from '@qual-meet/protocol';
import { FakeClock } from '../../../../test-support/fake-clock';
import type {
  CreatePeerConnection,
  CreateWebSocket,
  MeshDeps,
  DataChannelLike,
  PeerConnectionHandlers,
  PeerConnectionLike,
  RtpSenderLike,
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

  send(data: string): void {
    if (this.closedWith) throw new Error('send on a closed socket');
    this.sent.push(JSON.parse(data) as ClientMessage);
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

/**
 * An RTCPeerConnection stand-in that records, in order, what the engine did to it, and lets
 * the test emit its events. Like a browser, it refuses candidates before a remote description.
 */
export class FakePeerConnection implements PeerConnectionLike {
  /** Operations in the order they took effect, e.g. `remote:offer:sdp`, `candidate:c1`. */
  readonly log: string[] = [];
  readonly tracks: { kind: string; stream: MediaStream }[] = [];
  /** What each sender sends now, in the order the senders were made (`replaceTrack` included). */
  readonly sending: (MediaStreamTrack | null)[] = [];
  readonly transceivers: string[] = [];
  readonly configurations: RTCConfiguration[] = [];
  remoteDescription: RTCSessionDescriptionInit | null = null;
  localDescription: RTCSessionDescriptionInit | null = null;
  closed = false;
  private offers = 0;
  private remoteGate: Gate | null = null;

  constructor(
    readonly configuration: RTCConfiguration,
    private readonly handlers: PeerConnectionHandlers,
  ) {}

  addTrack(track: MediaStreamTrack, stream: MediaStream): RtpSenderLike {
    this.tracks.push({ kind: track.kind, stream });
    const index = this.sending.push(track) - 1;
    return {
      replaceTrack: async (next) => {
        this.sending[index] = next;
      },
    };
  }

  addTransceiver(kind: 'audio' | 'video', init: { direction: 'recvonly' }): void {
    this.transceivers.push(`${kind}:${init.direction}`);
  }

  /** The media-state channel, once made; see {@link FakeDataChannel}. */
  channel: FakeDataChannel | null = null;

  createDataChannel(label: string, init: { negotiated: true; id: number }): DataChannelLike {
    this.channel = new FakeDataChannel(label, init.id);
    return this.channel;
  }

  async createOffer(options?: { iceRestart?: boolean }): Promise<RTCSessionDescriptionInit> {
    this.offers += 1;
    const sdp = `offer-${this.offers}${options?.iceRestart ? '-restart' : ''}`;
    this.log.push(`create:${sdp}`);
    return { type: 'offer', sdp };
  }

  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    if (this.remoteDescription?.type !== 'offer') throw new Error('no remote offer');
    return { type: 'answer', sdp: `answer-to-${this.remoteDescription.sdp}` };
  }

  async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = description;
    this.log.push(`local:${description.type}:${description.sdp}`);
  }

  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    const pending = this.remoteGate;
    this.remoteGate = null;
    if (pending) await pending.promise;
    this.remoteDescription = description;
    this.log.push(`remote:${description.type}:${description.sdp}`);
  }

  async addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    if (!this.remoteDescription) throw new Error('InvalidStateError: no remote description');
    this.log.push(`candidate:${candidate.candidate}`);
  }

  setConfiguration(configuration: RTCConfiguration): void {
    this.configurations.push(configuration);
  }

  close(): void {
    this.closed = true;
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
}

/** Records every peer connection the engine creates. */
export class FakePeerConnectionFactory {
  readonly created: FakePeerConnection[] = [];
  readonly create: CreatePeerConnection = (configuration, handlers) => {
    const pc = new FakePeerConnection(configuration, handlers);
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

/** A stand-in MediaStreamTrack that remembers being stopped. */
export class FakeTrack {
  enabled = true;
  readyState: MediaStreamTrackState = 'live';
  constructor(readonly kind: 'audio' | 'video') {}
  stop(): void {
    this.readyState = 'ended';
  }
}

/** A stand-in MediaStream with tracks of the given kinds. */
export function fakeStream(...kinds: ('audio' | 'video')[]): MediaStream {
  const tracks = kinds.map((kind) => new FakeTrack(kind));
  return {
    id: `stream-${kinds.join('-')}`,
    getTracks: () => tracks,
    addTrack: (track: FakeTrack) => tracks.push(track),
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
}

function fakeAuth(token: string | null = 'token-1'): FakeAuth {
  const auth: FakeAuth = {
    token,
    nextToken: 'token-2',
    refreshes: 0,
    getToken: () => auth.token,
    refresh: async () => {
      auth.refreshes += 1;
      auth.token = auth.nextToken;
      return auth.token;
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
