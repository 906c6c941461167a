/**
 * Every Redis key and channel QUAL_MEET uses (DESIGN §4–5), built in one place. Nothing else
 * spells a key by hand.
 */
export const RedisKeys = {
  /** JSON of a meeting, written through by room-service. */
  room: (roomId: string) => `room:${roomId}`,
  /** A member's presence in a room; value `<nodeId>:<socketId>`, TTL 30 s, refreshed by heartbeat. */
  presence: (roomId: string, userId: string) => `presence:${roomId}:${userId}`,
  /**
   * The resume right of a member's seat: `<sha256 of the token, hex>:<connection>`, the latest
   * token issued in `room_joined` and the connection it was issued to; TTL as presence.
   */
  resumeToken: (roomId: string, userId: string) => `resume_token:${roomId}:${userId}`,
  /**
   * The room's members: a hash userId → `<nodeId>:<socketId>:<displayName>`, read without
   * scanning keys (the display name rides along for `peers`).
   */
  roomMembers: (roomId: string) => `room_members:${roomId}`,
  /**
   * Set of the users a locked meeting still lets in (its host and whoever was in it when it was
   * locked); exists exactly while the meeting is locked. Deleted when the room empties.
   */
  roomLock: (roomId: string) => `room_lock:${roomId}`,
  /** Set of the users the host removed: they cannot join again while the room is occupied. */
  roomRemoved: (roomId: string) => `room_removed:${roomId}`,
  /** Raised hands: a hash userId → raisedAt (ms since the epoch, Redis time). */
  roomHands: (roomId: string) => `room_hands:${roomId}`,
  /** Pub/Sub channel of one room's events between signaling nodes and room-service. */
  roomEvents: (roomId: string) => `room_events:${roomId}`,
  /** A signaling node's liveness, refreshed while it runs; value: the id of its current run. */
  nodeAlive: (nodeId: string) => `signaling_node:${nodeId}`,
  /** Rooms in which a signaling node holds members, for sweeping after it dies. */
  nodeRooms: (nodeId: string) => `signaling_node_rooms:${nodeId}`,
  /** Every signaling node that has registered, for the sweeper. */
  signalingNodes: () => 'signaling_nodes',
  /** A user's open signaling sockets: a hash connection → run id of the node holding it. */
  userSockets: (userId: string) => `signaling_user_sockets:${userId}`,
  /** `join_room` frames of a user in the current minute. */
  userJoins: (userId: string) => `signaling_user_joins:${userId}`,
  /** Counter of TURN credentials issued to a user in the current window. */
  iceIssuance: (userId: string) => `ice_issuance:${userId}`,
  /** Prefix of the gateway's rate-limit counters. */
  rateLimitPrefix: (limiter: string) => `rate_limit:${limiter}:`,
} as const;

/** The room id inside a `room_events:{roomId}` channel name. */
export function roomIdOfChannel(channel: string): string | undefined {
  const prefix = RedisKeys.roomEvents('');
  return channel.startsWith(prefix) ? channel.slice(prefix.length) : undefined;
}
