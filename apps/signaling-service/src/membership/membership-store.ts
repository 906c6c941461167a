import type { RaisedHand } from '@qual-meet/protocol';

/** A member of a room, as the shared membership records it. */
export interface Member {
  userId: string;
  /** `<nodeId>:<socketId>` of the member's socket. */
  connection: string;
  displayName: string;
  /** The member's email domain, so others can tell look-alike names apart. */
  domain: string;
}

/** The meeting's shared state as a joiner starts from it (DESIGN §4.12). */
export interface MeetingSnapshot {
  locked: boolean;
  /** Raised hands, in the order they went up. */
  hands: RaisedHand[];
}

export interface JoinRequest {
  roomId: string;
  userId: string;
  connection: string;
  displayName: string;
  domain: string;
  maxParticipants: number;
  /** The meeting's host: a locked meeting still lets them in. */
  isHost: boolean;
  /**
   * `join`: a client asked; takes the seat over from another connection of the same user.
   * `reassert`: the node restores a member Redis forgot (restart, or the node was swept); it
   * never takes over a newer connection of the user.
   * `resume`: a client presented a resume token: a silent takeover if the token is the seat's
   * current one (see `presentedTokenHash`), else a plain `join`.
   */
  mode: 'join' | 'reassert' | 'resume';
  /** SHA-256 (hex) of the resume token the seat gets now (for `reassert`: the one it has). */
  tokenHash: string;
  /** `resume`: SHA-256 (hex) of the token presented. */
  presentedTokenHash?: string;
}

export type JoinOutcome =
  /** In; `members` is the room right after the join, the joiner included. */
  | { status: 'joined'; members: Member[]; meeting: MeetingSnapshot; resumed: boolean }
  | { status: 'full' }
  /** The meeting is locked and the user was not in it when it was locked. */
  | { status: 'locked' }
  /** The host removed the user from this meeting. */
  | { status: 'removed' }
  /** `reassert` only: the user is in the room from another connection now. */
  | { status: 'taken' };

/**
 * Whether `leave` announces `user_left`: when it removed the member, always (the store may have
 * lost the member, e.g. across a Redis restart, while other nodes still list it), or never (the
 * room ended, everyone is gone anyway).
 */
export type LeaveAnnouncement = 'if-removed' | 'always' | 'never';

/**
 * Room membership shared by all signaling nodes: capacity, presence and node liveness. Every
 * change is announced on the room's bus channel atomically with the change itself, so all nodes
 * see changes in the order they happened.
 */
export interface MembershipStore {
  join(request: JoinRequest): Promise<JoinOutcome>;
  /** Removes the member if `connection` still holds its seat; resolves whether it did. */
  leave(
    roomId: string,
    userId: string,
    connection: string,
    announce: LeaveAnnouncement,
  ): Promise<boolean>;
  /**
   * Extends the member's presence by the store's presence TTL; resolves false when the store no
   * longer has the member.
   */
  refresh(roomId: string, userId: string, connection: string): Promise<boolean>;
  /**
   * Records this run of the node (`runId`, new at each start) as alive for `ttlMs`; resolves
   * whether the node was still recorded as alive.
   */
  markAlive(nodeId: string, runId: string, ttlMs: number): Promise<boolean>;
  /** Registered nodes, other than `selfId`, whose liveness has lapsed. */
  deadNodes(selfId: string): Promise<string[]>;
  /**
   * Removes every member held by `nodeId` and announces each as left. Unless `force` (a node
   * sweeping itself on shutdown), does nothing if the node turns out to be alive.
   */
  sweepNode(nodeId: string, force: boolean): Promise<number>;
}

/**
 * Decodes a `room_members` entry, `<nodeId>:<socketId>:<displayName>@<domain>` as the join script
 * writes it. A display name is the part of an email before its first `@`, so the first `@` after
 * the connection splits the two; an entry without one (an earlier release's) is a name alone.
 */
export function memberOf(userId: string, value: string): Member {
  const first = value.indexOf(':');
  const second = value.indexOf(':', first + 1);
  if (first < 0 || second < 0) return { userId, connection: value, displayName: '', domain: '' };
  const label = value.slice(second + 1);
  const at = label.indexOf('@');
  return {
    userId,
    connection: value.slice(0, second),
    displayName: at < 0 ? label : label.slice(0, at),
    domain: at < 0 ? '' : label.slice(at + 1),
  };
}

/** Hands as the join script returns them (`userId, raisedAt, …`), in the order raised. */
export function handsOf(flat: string[]): RaisedHand[] {
  const hands: RaisedHand[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    hands.push({ userId: flat[i]!, raisedAt: Number(flat[i + 1]) });
  }
  return sortHands(hands);
}

/** Earliest first; ties (same millisecond) by user id, so every node lists them alike. */
export function sortHands(hands: RaisedHand[]): RaisedHand[] {
  return hands.sort((a, b) => a.raisedAt - b.raisedAt || (a.userId < b.userId ? -1 : 1));
}
