import WebSocket, { type ClientOptions } from 'ws';
import {
  serverMessageSchema,
  type ServerMessage,
  type ServerMessageOf,
  type ServerMessageType,
} from '@qual-meet/protocol';

/** How a socket ended. */
export interface Closed {
  code: number;
  reason: string;
}

type Waiter = {
  match: (frame: ServerMessage) => boolean;
  resolve: (frame: ServerMessage) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
};

const DEFAULT_WAIT_MS = 5_000;

/** How a test client may open its socket: an `Origin` header, the CA of a TLS edge. */
export type SignalingClientOptions = Pick<ClientOptions, 'origin' | 'ca'>;

/**
 * A signaling client for tests (signaling's suites, the TLS edge's): every frame the server sends
 * is checked against the protocol's `serverMessageSchema` and kept, in order, and tests await the
 * frames they expect (never a fixed sleep). `take` consumes the first matching frame, so a test
 * can check what else arrived and in which order. A frame outside the protocol fails every wait
 * from then on, naming it: the server may only send what the SPA can read.
 */
export class SignalingTestClient {
  /** Every frame received, in order. */
  readonly received: ServerMessage[] = [];
  /** Received and not yet taken. */
  private readonly unread: ServerMessage[] = [];
  private readonly waiters: Waiter[] = [];
  /** The first frame the protocol does not allow, once one arrived. */
  private violation: Error | undefined;
  readonly closed: Promise<Closed>;
  readonly opened: Promise<void>;

  private constructor(readonly socket: WebSocket) {
    this.opened = new Promise((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => {
        const closed = { code, reason: reason.toString() };
        for (const waiter of this.waiters.splice(0)) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error(`socket closed (${code}) while waiting for a frame`));
        }
        resolve(closed);
      });
    });
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      const frame = this.check(data.toString());
      if (!frame) return;
      this.received.push(frame);
      const index = this.waiters.findIndex((waiter) => waiter.match(frame));
      if (index >= 0) {
        const [waiter] = this.waiters.splice(index, 1);
        clearTimeout(waiter!.timer);
        waiter!.resolve(frame);
      } else {
        this.unread.push(frame);
      }
    });
  }

  /** Opens a socket on `url` (e.g. `ws://127.0.0.1:port/ws`). */
  static async connect(
    url: string,
    options: SignalingClientOptions = {},
  ): Promise<SignalingTestClient> {
    const client = new SignalingTestClient(new WebSocket(url, options));
    await client.opened;
    return client;
  }

  /** Connects and authenticates; resolves with the client once `authenticated` arrived. */
  static async authenticated(
    url: string,
    token: string,
    options: SignalingClientOptions = {},
  ): Promise<SignalingTestClient> {
    const client = await SignalingTestClient.connect(url, options);
    client.send({ type: 'auth', token });
    await client.take('authenticated');
    return client;
  }

  /** The frame as the server sent it, once the protocol allows it; else the wait fails. */
  private check(text: string): ServerMessage | undefined {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      frame = undefined;
    }
    const checked = serverMessageSchema.safeParse(frame);
    // Kept as sent, not as parsed: a field the schema does not know stays visible to tests.
    if (checked.success) return frame as ServerMessage;
    this.violation ??= new Error(
      `the server sent a frame outside the protocol: ${text.slice(0, 300)} (${checked.error.message.slice(0, 300)})`,
    );
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(this.violation);
    }
    return undefined;
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.socket.send(data, { binary: options.binary ?? false });
  }

  /** The next unread frame of `type` (matching `where`), waiting for it if need be. */
  take<T extends ServerMessageType>(
    type: T,
    where: (frame: ServerMessageOf<T>) => boolean = () => true,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<ServerMessageOf<T>> {
    if (this.violation) return Promise.reject(this.violation);
    const match = (frame: ServerMessage) =>
      frame.type === type && where(frame as ServerMessageOf<T>);
    const index = this.unread.findIndex(match);
    if (index >= 0) {
      return Promise.resolve(this.unread.splice(index, 1)[0] as ServerMessageOf<T>);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `no ${type} frame within ${timeoutMs} ms; unread: ${JSON.stringify(this.unread).slice(0, 500)}`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        match,
        resolve: (frame) => resolve(frame as ServerMessageOf<T>),
        reject,
        timer,
      };
      this.waiters.push(waiter);
    });
  }

  /** The next unread frame, whatever it is. */
  next(timeoutMs = DEFAULT_WAIT_MS): Promise<ServerMessage> {
    if (this.violation) return Promise.reject(this.violation);
    const first = this.unread.shift();
    if (first) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = { match: () => true, resolve, reject, timer };
      this.waiters.push(waiter);
    });
  }

  /** An `error` frame with this code. */
  error(code: string, timeoutMs = DEFAULT_WAIT_MS) {
    return this.take('error', (frame) => frame.code === code, timeoutMs);
  }

  /** Frames received and not taken yet. */
  get pending(): readonly ServerMessage[] {
    return this.unread;
  }

  /** Closes the socket and waits until it is closed. */
  async close(): Promise<Closed> {
    if (
      this.socket.readyState === WebSocket.OPEN ||
      this.socket.readyState === WebSocket.CONNECTING
    ) {
      this.socket.close(1000);
    }
    return this.closed;
  }

  /** Cuts the TCP connection without a closing handshake, like a crashed browser. */
  async kill(): Promise<Closed> {
    this.socket.terminate();
    return this.closed;
  }
}
