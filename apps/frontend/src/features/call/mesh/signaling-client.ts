import {
  CloseCode,
  Limits,
  serverMessageSchema,
  type ClientMessage,
  type ServerMessage,
} from '@qual-meet/protocol';
import type { TimerHandle } from '../../../lib/timers';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff';
import type { MeshDeps, SocketLike } from './types';

/**
 * Our close code for a socket we gave up on (no `authenticated` in time, no answer to a
 * heartbeat): in the application range, never one the server sends (DESIGN §4).
 */
const GAVE_UP_ON_SOCKET = 4000;

/** Why the signaling client stopped for good. */
export type SignalingTermination = 'replaced' | 'unauthorized';

/** What the signaling client reports to its owner. */
export type SignalingEvent =
  /** Authenticated; `resumed` is true when this follows a lost connection. */
  | { type: 'ready'; userId: string; resumed: boolean }
  | { type: 'message'; message: Exclude<ServerMessage, { type: 'authenticated' }> }
  /** The socket dropped; a reconnect is scheduled. */
  | { type: 'connection_lost' }
  /** No more reconnects: another tab took over (4409), or the server refused our token twice. */
  | { type: 'terminated'; reason: SignalingTermination };

export interface SignalingClientOptions {
  /** `ws(s)://<host>/ws`; the token never goes in it. */
  url: string;
  deps: Pick<MeshDeps, 'createWebSocket' | 'timers' | 'auth' | 'random'>;
  onEvent(event: SignalingEvent): void;
  backoff?: BackoffOptions;
  heartbeatIntervalMs?: number;
  /**
   * A socket that sends nothing this long after a heartbeat is dead (its network went away
   * without a close): it is dropped and a new one opened.
   */
  heartbeatTimeoutMs?: number;
  /** A socket not authenticated this long after opening is treated as dropped. */
  handshakeTimeoutMs?: number;
}

/** See {@link SignalingClientOptions.heartbeatTimeoutMs}. */
const DEFAULT_HEARTBEAT_TIMEOUT_MS = 5_000;
/**
 * Heartbeats are never closer than this: the server answers one per
 * `Limits.heartbeatAckIntervalMs`, and those in between only late.
 */
const MIN_HEARTBEAT_GAP_MS = Limits.heartbeatAckIntervalMs * 1.5;
/**
 * A timer this late says the page was stalled, not the network: in a 6-person meeting on an
 * overloaded two-core machine the liveness check fired seconds late with the heartbeat's answer
 * queued behind it, and every socket it gave up on cost a rejoin and rebuilt links.
 */
const STALL_MS = 500;

/**
 * The signaling WebSocket of one meeting: sends the `auth` frame first, keeps presence alive
 * with heartbeats, and reconnects with jittered backoff until told to stop.
 *
 * Liveness: the server answers every heartbeat (`heartbeat_ack`), so a socket that stays silent
 * after one is dead even though the browser never reports it closed (after an address change the
 * TCP connection just retransmits into the void); {@link checkAlive} asks sooner when something
 * else (ICE) suggests the network changed.
 *
 * Close codes: 4409 (replaced by another tab) ends it; 4401 refreshes the token once and
 * reconnects at once, a second 4401 before authenticating ends it; anything else (1001 server
 * shutdown, 1006 network loss…) reconnects. Inbound frames are validated with the protocol
 * schema; invalid ones are dropped.
 */
export class SignalingClient {
  private socket: SocketLike | null = null;
  private authenticated = false;
  private everAuthenticated = false;
  private refreshedSinceAuth = false;
  private started = false;
  private stopped = false;
  private attempt = 0;
  private heartbeatTimer: TimerHandle | null = null;
  private reconnectTimer: TimerHandle | null = null;
  private handshakeTimer: TimerHandle | null = null;
  /** Fires when the socket has been silent too long after a heartbeat. */
  private livenessTimer: TimerHandle | null = null;
  private livenessDeadline = 0;
  /** The liveness wait of this heartbeat was extended once for a stalled page. */
  private stallForgiven = false;
  /** When the last heartbeat went out, and whether anything arrived since. */
  private lastHeartbeatAt = Number.NEGATIVE_INFINITY;
  private answeredSinceHeartbeat = true;
  /** The token the open socket last authenticated with. */
  private sentToken: string | null = null;
  private unsubscribeToken: (() => void) | null = null;

  constructor(private readonly options: SignalingClientOptions) {}

  /** Opens the first connection. */
  connect(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.unsubscribeToken = this.options.deps.auth.subscribe(() => this.tokenChanged());
    void this.open();
  }

  /** Sends a frame if authenticated; returns whether it went out. */
  send(message: ClientMessage): boolean {
    if (!this.authenticated || !this.socket) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * Something suggests the network changed (ICE lost its path): unless the socket answered a
   * heartbeat a moment ago, send one now and take the socket for dead if nothing comes back
   * within `timeoutMs`.
   */
  checkAlive(timeoutMs: number): void {
    if (!this.authenticated || !this.socket) return;
    const now = this.options.deps.timers.now();
    if (!this.answeredSinceHeartbeat) {
      this.armLiveness(this.lastHeartbeatAt + timeoutMs - now);
      return;
    }
    if (now - this.lastHeartbeatAt < MIN_HEARTBEAT_GAP_MS) return;
    this.heartbeat(timeoutMs);
  }

  /** Closes the socket (1000) and cancels every timer; no event follows. */
  close(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribeToken?.();
    this.unsubscribeToken = null;
    this.dropSocket(1000, 'leaving');
    this.clearTimer('reconnectTimer');
  }

  /**
   * DESIGN §4.10: the server ends a socket when its token expires unless a fresh `auth` arrives,
   * so every refresh of the access token is sent on the open socket too. Signing out (no token)
   * closes it: the meeting must not outlive the session.
   */
  private tokenChanged(): void {
    if (this.stopped) return;
    const token = this.options.deps.auth.getToken();
    if (token === null) {
      this.terminate('unauthorized');
      return;
    }
    if (!this.authenticated || !this.socket || token === this.sentToken) return;
    this.sentToken = token;
    this.socket.send(JSON.stringify({ type: 'auth', token } satisfies ClientMessage));
  }

  private async open(): Promise<void> {
    const { auth, timers } = this.options.deps;
    const token = auth.getToken() ?? (await auth.refresh());
    if (this.stopped) return;
    if (!token) {
      this.terminate('unauthorized');
      return;
    }
    let socket: SocketLike;
    try {
      socket = this.createSocket(token);
    } catch {
      // A socket that cannot even be constructed is retried like one that dropped.
      this.lost(1006);
      return;
    }
    this.socket = socket;
    this.handshakeTimer = timers.setTimeout(
      () => {
        this.handshakeTimer = null;
        this.dropSocket(GAVE_UP_ON_SOCKET, 'handshake timeout');
        this.lost(1006);
      },
      this.options.handshakeTimeoutMs ?? 2 * Limits.authTimeoutMs,
    );
  }

  private createSocket(token: string): SocketLike {
    const socket: SocketLike = this.options.deps.createWebSocket(this.options.url, {
      onOpen: () => {
        if (socket !== this.socket) return;
        // The token may have been refreshed while the socket was opening.
        const current = this.options.deps.auth.getToken() ?? token;
        this.sentToken = current;
        socket.send(JSON.stringify({ type: 'auth', token: current } satisfies ClientMessage));
      },
      onMessage: (data) => {
        if (socket === this.socket) this.receive(data);
      },
      onClose: (code) => {
        if (socket !== this.socket) return;
        this.socket = null;
        this.lost(code);
      },
    });
    return socket;
  }

  private receive(data: string): void {
    // Any frame proves the socket alive, not only the heartbeat's answer.
    this.answeredSinceHeartbeat = true;
    this.clearTimer('livenessTimer');
    const parsed = serverMessageSchema.safeParse(parseJson(data));
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'heartbeat_ack') return;
    if (message.type !== 'authenticated') {
      this.options.onEvent({ type: 'message', message });
      return;
    }
    // The answer to a fresh token on an open socket: nothing changes.
    if (this.authenticated) return;
    this.clearTimer('handshakeTimer');
    this.authenticated = true;
    this.refreshedSinceAuth = false;
    this.attempt = 0;
    const resumed = this.everAuthenticated;
    this.everAuthenticated = true;
    this.lastHeartbeatAt = Number.NEGATIVE_INFINITY;
    this.answeredSinceHeartbeat = true;
    this.heartbeatTimer = this.options.deps.timers.setInterval(() => {
      // A heartbeat of `checkAlive` a moment ago refreshed presence already.
      if (this.options.deps.timers.now() - this.lastHeartbeatAt < MIN_HEARTBEAT_GAP_MS) return;
      this.heartbeat(this.options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS);
    }, this.options.heartbeatIntervalMs ?? Limits.heartbeatIntervalMs);
    this.options.onEvent({ type: 'ready', userId: message.userId, resumed });
  }

  private heartbeat(timeoutMs: number): void {
    if (!this.authenticated || !this.socket) return;
    this.lastHeartbeatAt = this.options.deps.timers.now();
    this.answeredSinceHeartbeat = false;
    this.stallForgiven = false;
    this.armLiveness(timeoutMs);
    this.send({ type: 'heartbeat' });
  }

  /** Takes the socket for dead in `ms` unless a frame arrives first (a sooner deadline wins). */
  private armLiveness(ms: number): void {
    const { timers } = this.options.deps;
    const deadline = timers.now() + Math.max(0, ms);
    if (this.livenessTimer !== null && this.livenessDeadline <= deadline) return;
    this.clearTimer('livenessTimer');
    this.livenessDeadline = deadline;
    this.livenessTimer = timers.setTimeout(
      () => {
        this.livenessTimer = null;
        // Fired far past its time: the page itself was stalled (an overloaded machine), and the
        // answer may be queued behind this very task. One more wait, from now.
        if (timers.now() - deadline > STALL_MS && !this.stallForgiven) {
          this.stallForgiven = true;
          this.armLiveness(ms);
          return;
        }
        // Dead without a close: a new socket at once, no backoff (the server is not the problem).
        this.dropSocket(GAVE_UP_ON_SOCKET, 'no answer to heartbeat');
        this.options.onEvent({ type: 'connection_lost' });
        void this.open();
      },
      Math.max(0, ms),
    );
  }

  /** The current socket is gone (already detached); decide what comes next. */
  private lost(code: number): void {
    this.authenticated = false;
    this.clearTimer('heartbeatTimer');
    this.clearTimer('handshakeTimer');
    this.clearTimer('livenessTimer');
    if (this.stopped) return;
    if (code === CloseCode.REPLACED) {
      this.terminate('replaced');
    } else if (code === CloseCode.UNAUTHORIZED) {
      void this.reauthenticate();
    } else {
      this.options.onEvent({ type: 'connection_lost' });
      this.scheduleReconnect();
    }
  }

  private async reauthenticate(): Promise<void> {
    if (this.refreshedSinceAuth) {
      this.terminate('unauthorized');
      return;
    }
    this.refreshedSinceAuth = true;
    const token = await this.options.deps.auth.refresh();
    if (this.stopped) return;
    if (token) void this.open();
    else this.terminate('unauthorized');
  }

  private scheduleReconnect(): void {
    const { random = Math.random, timers } = this.options.deps;
    const delay = backoffDelay(this.attempt++, random, this.options.backoff ?? defaultBackoff);
    this.reconnectTimer = timers.setTimeout(() => {
      this.reconnectTimer = null;
      void this.open();
    }, delay);
  }

  private terminate(reason: SignalingTermination): void {
    this.close();
    this.options.onEvent({ type: 'terminated', reason });
  }

  /** Detaches and closes the current socket, so none of its handlers runs again. */
  private dropSocket(code: number, reason: string): void {
    const socket = this.socket;
    this.socket = null;
    this.authenticated = false;
    this.clearTimer('heartbeatTimer');
    this.clearTimer('handshakeTimer');
    this.clearTimer('livenessTimer');
    socket?.close(code, reason);
  }

  private clearTimer(
    name: 'heartbeatTimer' | 'reconnectTimer' | 'handshakeTimer' | 'livenessTimer',
  ): void {
    const handle = this[name];
    if (handle === null) return;
    const { timers } = this.options.deps;
    if (name === 'heartbeatTimer') timers.clearInterval(handle);
    else timers.clearTimeout(handle);
    this[name] = null;
  }
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
