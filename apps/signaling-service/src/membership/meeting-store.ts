/** What asking for a hand change did. */
export type HandOutcome =
  /** The hand went up or down; every member hears `hand_changed`. */
  | { status: 'changed'; raisedAt: number | undefined }
  /** It already was that way (`raisedAt` while raised): nobody else needs to hear of it. */
  | { status: 'unchanged'; raisedAt: number | undefined }
  /** The user holds no seat in the room (or not through that connection). */
  | { status: 'not_member' };

/**
 * The shared state of a meeting's features (DESIGN §4.12): lock, removals and raised hands. Each
 * change is announced on the room's bus channel atomically with the change, so every node applies
 * them in the same order as membership changes; all of it lives exactly as long as the room has a
 * member. The node checks who may ask (the host); the store checks the seats.
 */
export interface MeetingStore {
  /**
   * Locks or unlocks the meeting: while locked, only the host and those in it at locking may join.
   * Resolves whether it changed (announced as `lock_changed`), or `not_in_room` when the host
   * holds no seat.
   */
  setLock(roomId: string, hostId: string, locked: boolean): Promise<boolean | 'not_in_room'>;
  /**
   * Removes a user from the meeting: gone from the room now (announced as `participant_removed`
   * to them, then `user_left`), and refused until the room empties. Resolves whether a seat was
   * taken away, or `not_in_room` when the host holds no seat.
   */
  remove(roomId: string, hostId: string, userId: string): Promise<boolean | 'not_in_room'>;
  /**
   * Raises or lowers a member's hand at Redis time. `connection` is the seat that must be asking
   * (its own hand); a host lowering someone's hand passes `undefined`. `from` is who asked.
   */
  setHand(request: {
    roomId: string;
    userId: string;
    raised: boolean;
    connection: string | undefined;
    from: string;
  }): Promise<HandOutcome>;
}
