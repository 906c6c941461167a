/**
 * Per-user limits that hold across all signaling nodes (DESIGN §4.11): concurrent sockets and
 * the `join_room` rate.
 */
export interface UserQuotas {
  /**
   * Takes one of the user's `limit` socket slots for `connection`, held by the node run `runId`;
   * false when the user already has `limit` sockets on live nodes. Slots of a node run that is
   * no longer alive (it died, or restarted under the same id) do not count.
   */
  claimSocket(userId: string, connection: string, runId: string, limit: number): Promise<boolean>;
  /** Gives the slot of `connection` back. */
  releaseSocket(userId: string, connection: string): Promise<void>;
  /** Counts one `join_room` of the user; resolves the count in the current minute. */
  countJoin(userId: string): Promise<number>;
}

/** The window of {@link UserQuotas.countJoin}. */
export const JOIN_WINDOW_MS = 60_000;
