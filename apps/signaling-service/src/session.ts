import type { ClientMessage } from '@qual-meet/protocol';
import type { AccessTokenClaims } from '@qual-meet/server-kit';
import type { MemberEvent } from './bus-events';
import { connectionOf, newSocketId } from './connection-id';
import type { Member } from './membership/membership-store';
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

/** Marks the end of a socket in a session's backlog. */
export const CLOSED = Symbol('closed');

/**
 * One client connection and what the node knows about it. Kept small: an idle authenticated
 * socket holds only the fields set here, the room state is allocated when it joins.
 */
export class Session {
  readonly connection: string;
  readonly limiter: RateLimiter;
  claims: AccessTokenClaims | undefined;
  /** The access token of the auth frame, presented to room-service on a cache miss. */
  token = '';
  displayName = '';
  authTimer: NodeJS.Timeout | undefined;
  /** Answered the last protocol ping. */
  alive = true;
  /** Output is corked until the end of this event-loop turn. */
  corked = false;
  /** Refused or closing: further frames are ignored. */
  finished = false;
  /** The socket has closed. */
  closed = false;
  /** An asynchronous operation (join, leave) is running; frames wait in `backlog`. */
  busy = false;
  backlog: (ClientMessage | typeof CLOSED)[] | undefined;

  room: LocalRoom | undefined;
  /** Joining: the store's answer, the members at the instant the seat was taken. */
  snapshot: Member[] | undefined;
  /** Joining: this connection's own `user_joined` came by on the bus. */
  announced = false;
  /** Joining: what arrived after the seat was taken, delivered after `room_joined`. */
  heldBack: HeldBack[] | undefined;
  joinTimer: NodeJS.Timeout | undefined;
  /** In the room: the peers this client has been told about, by user id. */
  view: Map<string, KnownPeer> | undefined;
  lastHeartbeatAt = 0;

  constructor(
    readonly socket: SignalingSocket,
    nodeId: string,
    rateLimit: RateLimitOptions,
    readonly stream: CorkableStream | undefined,
  ) {
    this.connection = connectionOf(nodeId, newSocketId());
    this.limiter = new RateLimiter(rateLimit);
  }

  /** In the room (has had `room_joined`, so it has a view), as opposed to still joining. */
  get joined(): boolean {
    return this.view !== undefined;
  }

  get userId(): string {
    return this.claims?.userId ?? '';
  }
}
