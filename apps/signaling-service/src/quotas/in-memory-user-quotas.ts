import { parseConnection } from '../connection-id';
import type { InMemoryMembershipStore } from '../membership/in-memory-membership-store';
import { JOIN_WINDOW_MS, type UserQuotas } from './user-quotas';

/**
 * The semantics of the quota scripts, in memory, for unit tests: node liveness comes from the
 * in-memory membership store, as the scripts read the nodes' alive keys.
 */
export class InMemoryUserQuotas implements UserQuotas {
  private readonly sockets = new Map<string, Map<string, string>>();
  private readonly joins = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly membership: InMemoryMembershipStore,
    private readonly now: () => number = Date.now,
  ) {}

  async claimSocket(
    userId: string,
    connection: string,
    runId: string,
    limit: number,
  ): Promise<boolean> {
    const held = this.sockets.get(userId) ?? new Map<string, string>();
    for (const [other, run] of held) {
      const alive = this.membership.aliveRun(parseConnection(other).nodeId);
      if (alive !== run || other === connection) held.delete(other);
    }
    if (held.size >= limit) return false;
    held.set(connection, runId);
    this.sockets.set(userId, held);
    return true;
  }

  async releaseSocket(userId: string, connection: string): Promise<void> {
    this.sockets.get(userId)?.delete(connection);
  }

  async countJoin(userId: string): Promise<number> {
    const now = this.now();
    const window = this.joins.get(userId);
    if (!window || window.until <= now) {
      this.joins.set(userId, { count: 1, until: now + JOIN_WINDOW_MS });
      return 1;
    }
    window.count += 1;
    return window.count;
  }
}
