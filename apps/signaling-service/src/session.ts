import type { ClientMessage } from '@qual-meet/protocol';
import type { MemberEvent } from './bus-events';
import { connectionOf, newSocketId } from './connection-id';
import type { MeetingEvent } from './meeting-events';
import type { MeetingSnapshot, Member } from './membership/membership-store';
import { RateLimiter, type RateLimitOptions } from './rate-limiter';

/** What the node needs of a WebSocket; `ws` sockets fit, and so do the unit tests' fakes. */
export interface SignalingSocket {
  send(data: string): void;
  close(code: number, reason?: string): void;
  terminate(): void;
  ping(): void;
  readonly bufferedAmount: number;
}

/** The byte stream under a socket, corked to gather several frames into one write. */
export interface CorkableStream {
  cork(): void;
  uncork(): void;
}

/** A peer as one client knows it: which connection holds the seat, and its label. */
export interface KnownPeer {
  connection: string;
  displayName: string;
  domain: string;
}

/** Something for a joining client that must wait until it has had `room_joined`. */
export type HeldBack =
  | { kind: 'event'; event: MemberEvent }
  | { kind: 'meeting'; event: MeetingEvent }
  | { kind: 'frame'; type: string; data: string; sentAt: number; path: 'local' | 'bus' };

/** The room a node holds members of: its local sessions and its bus subscription. */
export interface LocalRoom {
  id: string;
  maxParticipants: number;
  /** The meeting's host (from its record), the one sender of host controls. */
  hostId: string;
  /** Local sessions joining or in the room. */
  sessions: Set<Session>;
  /** Settles when the node's subscription to the room channel is in place. */
  subscribed: Promise<void>;
}

/** Who an authenticated socket belongs to, from its latest `auth` frame. */
export interface SessionUser {
  userId: string;
  displayName: string;
  /** The part of the email after `@`, shown beside the name so look-alikes can be told apart. */
  domain: string;
  /** The access token of the latest auth frame, presented to room-service on a cache miss. */
  token: string;
  /** Closes the socket when the token runs out (DESIGN §4.10); a fresh `auth` resets it. */
  expiry: NodeJS.Timeout;
}

/** The right to take a seat back from a new socket: the token the client holds, and its hash. */
export interface ResumeRight {
  token: string;
  /** SHA-256 (hex): all Redis ever holds of it. */
  hash: string;
}

/** The meeting's lock and raised hands as one member was told them (DESIGN §4.12). */
export interface MeetingView {
  locked: boolean;
  /** Raised hands: user id → when it went up. */
  hands: Map<string, number>;
}

/** Where a socket is in the protocol: each phase carries only what it needs. */
export type SessionState =
  /** Waiting for the first `auth` frame; refused when `timer` fires. */
  | { phase: 'authenticating'; timer: NodeJS.Timeout }
  /** Authenticated, in no room. */
  | { phase: 'lobby'; user: SessionUser }
  /** Taking a seat in `room`: `room_joined` goes out once both halves below are in. */
  | {
      phase: 'joining';
      user: SessionUser;
      room: LocalRoom;
      /** The store's answer: the members at the instant the seat was taken. */
      snapshot: Member[] | undefined;
      /** The meeting's lock and hands at that instant. */
      meeting: MeetingSnapshot | undefined;
      /** This connection's own `user_joined` came by on the bus. */
      announced: boolean;
      /** What arrived after the seat was taken, delivered after `room_joined`. */
      heldBack: HeldBack[];
      /** Gives up waiting for the announcement (the subscriber may have lost it). */
      timer: NodeJS.Timeout | undefined;
      /** The seat's resume token, given in `room_joined`. */
      resume: ResumeRight;
      /** The store took the seat over silently from an earlier connection (a resume). */
      resumed: boolean;
    }
  /** In the room: `view` is the peers this client has been told about, by user id. */
  | {
      phase: 'joined';
      user: SessionUser;
      room: LocalRoom;
      view: Map<string, KnownPeer>;
      meeting: MeetingView;
      lastHeartbeatAt: number;
      resume: ResumeRight;
    };

export type JoiningState = Extract<SessionState, { phase: 'joining' }>;
export type JoinedState = Extract<SessionState, { phase: 'joined' }>;

export type SessionIn<P extends SessionState['phase']> = Session & {
  state: Extract<SessionState, { phase: P }>;
};

/** Marks the end of a socket in a session's backlog. */
export const CLOSED = Symbol('closed');

/**
 * One client connection and what the node knows about it. Kept small: an idle authenticated
 * socket holds only the fields set here and its state.
 */
export class Session {
  readonly connection: string;
  readonly limiter: RateLimiter;
  state: SessionState;
  /**
   * `open`; `closing`: refused or told to go, further frames are ignored; `closed`: the socket
   * has closed.
   */
  lifecycle: 'open' | 'closing' | 'closed' = 'open';
  /** Answered the last protocol ping. */
  alive = true;
  /** When the last `heartbeat` was answered; those sooner after it are ignored. */
  lastHeartbeatAckAt = 0;
  /** A `heartbeat_ack` held back until a second after the last one. */
  heartbeatAckTimer: NodeJS.Timeout | undefined;
  /**
   * While an asynchronous step (join, leave) runs, the frames that arrive meanwhile, in order;
   * `undefined` when no step runs.
   */
  backlog: (ClientMessage | typeof CLOSED)[] | undefined;

  constructor(
    readonly socket: SignalingSocket,
    nodeId: string,
    rateLimit: RateLimitOptions,
    readonly stream: CorkableStream | undefined,
    auth: { timeoutMs: number; onTimeout: (session: Session) => void },
  ) {
    this.connection = connectionOf(nodeId, newSocketId());
    this.limiter = new RateLimiter(rateLimit);
    this.state = {
      phase: 'authenticating',
      timer: setTimeout(() => auth.onTimeout(this), auth.timeoutMs),
    };
  }

  get busy(): boolean {
    return this.backlog !== undefined;
  }

  get open(): boolean {
    return this.lifecycle === 'open';
  }

  get gone(): boolean {
    return this.lifecycle === 'closed';
  }

  /** Puts frames a finished step did not get to in front of what the next step queues. */
  requeue(waiting: (ClientMessage | typeof CLOSED)[]): void {
    this.backlog = [...waiting, ...(this.backlog ?? [])];
  }

  get userId(): string {
    return this.state.phase === 'authenticating' ? '' : this.state.user.userId;
  }

  /** The room the session is joining or in. */
  get room(): LocalRoom | undefined {
    return this.state.phase === 'joining' || this.state.phase === 'joined'
      ? this.state.room
      : undefined;
  }

  isJoined(): this is SessionIn<'joined'> {
    return this.state.phase === 'joined';
  }

  isJoining(): this is SessionIn<'joining'> {
    return this.state.phase === 'joining';
  }
}
