import { connect, type NetConnectOpts, type Socket } from 'node:net';
import WebSocket from 'ws';
import type { ServerMessage } from '@qual-meet/protocol';

export type SignalKind = 'offer' | 'answer' | 'ice_candidate';

/** A targeted frame as a client received it: who sent it and its body (SDP or candidate). */
export type SignalListener = (kind: SignalKind, senderUserId: string, body: string) => void;

/**
 * The load generator's view of a signaling client, the same for both systems. Both speak over a
 * plain `ws` socket — ours its JSON frames, the baseline Socket.IO's wire format (engine.io v4,
 * websocket transport) — so the client side costs the same and only the servers are compared.
 */
export interface WireClient {
  readonly userId: string;
  /** Opens the socket and authenticates. */
  connect(): Promise<void>;
  /** Joins a room; resolves when the server confirmed. */
  join(roomId: string): Promise<void>;
  signal(kind: SignalKind, targetUserId: string, body: string): void;
  heartbeat(): void;
  onSignal: SignalListener;
  /** Frames the server refused (error frames), by code. */
  readonly errors: Map<string, number>;
  close(): Promise<void>;
}

export interface ClientSpec {
  url: string;
  userId: string;
  token: string;
  /**
   * Gather the frames this client sends in one event-loop turn into one write (saturation runs):
   * see {@link holdUntilTurnEnds}. Latency runs write each frame at once, as a browser would.
   */
  batchWrites?: boolean;
}

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The load generator's sockets whose output is held until the end of this event-loop turn. At
 * saturation its clients share the two cores with the servers, so they write the way the servers
 * do: the frames one client sends in one turn leave in one write rather than one system call
 * each (one write per frame was half the load generator's CPU, taken from the servers).
 */
let corked: Socket[] = [];
function uncorkAll(): void {
  const sockets = corked;
  corked = [];
  for (const socket of sockets) socket.uncork();
}
function holdUntilTurnEnds(socket: Socket): void {
  if (socket.writableCorked > 0) return;
  socket.cork();
  corked.push(socket);
  if (corked.length === 1) setImmediate(uncorkAll);
}

abstract class BaseClient implements WireClient {
  onSignal: SignalListener = () => undefined;
  readonly errors = new Map<string, number>();
  protected socket: WebSocket | undefined;
  private stream: Socket | undefined;
  private joinWaiter: (() => void) | undefined;
  private readyWaiter: (() => void) | undefined;

  constructor(protected readonly spec: ClientSpec) {}

  get userId(): string {
    return this.spec.userId;
  }

  protected abstract socketUrl(): string;
  protected abstract onOpen(): void;
  protected abstract onText(text: string): void;
  abstract signal(kind: SignalKind, targetUserId: string, body: string): void;
  abstract heartbeat(): void;
  protected abstract sendJoin(roomId: string): void;

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('connect timed out')), CONNECT_TIMEOUT_MS);
      const socket = new WebSocket(this.socketUrl(), {
        perMessageDeflate: false,
        // The TCP socket is ours to cork (see holdUntilTurnEnds).
        createConnection: ((options: NetConnectOpts) =>
          (this.stream = connect(options))) as typeof connect,
        // An all-zero mask lets ws skip masking on this side. The load generator shares the
        // machine with the servers, so its own work is kept small; servers still unmask.
        generateMask: (mask) => mask.fill(0),
      });
      this.socket = socket;
      this.readyWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
      socket.on('open', () => this.onOpen());
      socket.on('message', (data) => this.onText(data.toString()));
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.on('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`closed ${code} before ready`));
      });
    });
  }

  join(roomId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('join timed out')), CONNECT_TIMEOUT_MS);
      this.joinWaiter = () => {
        clearTimeout(timer);
        resolve();
      };
      this.sendJoin(roomId);
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.close();
      setTimeout(() => socket.terminate(), 2_000).unref();
    });
  }

  protected ready(): void {
    this.readyWaiter?.();
    this.readyWaiter = undefined;
  }

  protected joined(): void {
    this.joinWaiter?.();
    this.joinWaiter = undefined;
  }

  protected countError(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  protected send(text: string): void {
    if (!this.socket || !this.stream) return;
    if (this.spec.batchWrites) holdUntilTurnEnds(this.stream);
    this.socket.send(text);
  }
}

/**
 * signaling-service's protocol (DESIGN §4). Frames are typed by the protocol but not checked
 * against its schema here, unlike the tests' `SignalingTestClient`: the load generator shares the
 * cores with the servers it measures, so it does no more per frame than a browser's JSON.parse.
 */
export class SignalingClient extends BaseClient {
  protected socketUrl(): string {
    return this.spec.url;
  }

  protected onOpen(): void {
    this.send(JSON.stringify({ type: 'auth', token: this.spec.token }));
  }

  protected onText(text: string): void {
    const frame = JSON.parse(text) as ServerMessage;
    switch (frame.type) {
      case 'offer':
      case 'answer':
        this.onSignal(frame.type, frame.senderUserId, frame.sdp);
        return;
      case 'ice_candidate':
        this.onSignal('ice_candidate', frame.senderUserId, frame.candidate.candidate);
        return;
      case 'authenticated':
        this.ready();
        return;
      case 'room_joined':
        this.joined();
        return;
      case 'error':
        this.countError(frame.code);
        return;
    }
  }

  signal(kind: SignalKind, targetUserId: string, body: string): void {
    const fields =
      kind === 'ice_candidate'
        ? { candidate: { candidate: body, sdpMid: '0', sdpMLineIndex: 0 } }
        : { sdp: body };
    this.send(JSON.stringify({ type: kind, targetUserId, ...fields }));
  }

  heartbeat(): void {
    this.send('{"type":"heartbeat"}');
  }

  protected sendJoin(roomId: string): void {
    this.send(JSON.stringify({ type: 'join_room', roomId }));
  }
}

interface SocketIoSignal {
  type: SignalKind;
  senderUserId: string;
  sdp?: string;
  candidate?: { candidate: string };
}

/** Socket.IO 4 on the wire: `0` open, `40` connect with auth, `42[event, data]`, ping `2`/`3`. */
export class SocketIoClient extends BaseClient {
  protected socketUrl(): string {
    return `${this.spec.url}/socket.io/?EIO=4&transport=websocket`;
  }

  protected onOpen(): void {
    // Engine.io sends its open packet first; the namespace connect follows it (see onText).
  }

  protected onText(text: string): void {
    const packet = text.charCodeAt(0);
    if (text === '2') {
      this.send('3');
      return;
    }
    if (packet === 0x30 /* '0': engine.io open */ && text.charCodeAt(1) !== 0x30) {
      this.send(`40${JSON.stringify({ token: this.spec.token })}`);
      return;
    }
    if (text.startsWith('40')) {
      this.ready();
      return;
    }
    if (text.startsWith('44')) {
      this.countError('unauthorized');
      return;
    }
    if (!text.startsWith('42')) return;
    const [event, data] = JSON.parse(text.slice(2)) as [string, SocketIoSignal];
    if (event === 'signal') {
      const body =
        data.type === 'ice_candidate' ? (data.candidate?.candidate ?? '') : (data.sdp ?? '');
      this.onSignal(data.type, data.senderUserId, body);
    } else if (event === 'room_joined') {
      this.joined();
    }
  }

  signal(kind: SignalKind, targetUserId: string, body: string): void {
    const fields =
      kind === 'ice_candidate'
        ? { candidate: { candidate: body, sdpMid: '0', sdpMLineIndex: 0 } }
        : { sdp: body };
    this.send(`42${JSON.stringify(['signal', { type: kind, targetUserId, ...fields }])}`);
  }

  heartbeat(): void {
    this.send('42["heartbeat"]');
  }

  protected sendJoin(roomId: string): void {
    this.send(`42${JSON.stringify(['join_room', { roomId }])}`);
  }
}
