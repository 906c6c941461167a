import { randomBytes } from 'node:crypto';
import type { SignalingLogger } from './logger';
import type { MembershipStore } from './membership/membership-store';
import type { SignalingMetrics } from './metrics';
import type { Session, SessionIn } from './session';

export interface NodeLivenessOptions {
  nodeId: string;
  membership: MembershipStore;
  metrics: SignalingMetrics;
  log: SignalingLogger;
  presenceTtlSeconds: number;
  nodeTimeoutMs: number;
  pingIntervalMs: number;
}

/** What liveness asks of the node it keeps alive. */
export interface LivenessHost {
  sessions(): Iterable<Session>;
  /** The store lost the member's seat although its socket is fine: take it again. */
  reassert(session: SessionIn<'joined'>): void;
  /** The member stopped heartbeating for the presence TTL: it is out of the room. */
  expire(session: SessionIn<'joined'>): void;
}

/**
 * Keeps a node known as alive in the membership store and its members' seats honest: it
 * registers the node, refreshes its liveness key, retries leaves Redis missed, sweeps dead nodes,
 * lets go of members that stopped heartbeating, and pings sockets to find dead ones.
 */
export class NodeLiveness {
  private readonly timers: NodeJS.Timeout[] = [];
  /** Store writes that failed (Redis away), retried in order at each step until they succeed. */
  private readonly retries: (() => Promise<unknown>)[] = [];
  /**
   * This run of the node, recorded in its alive key: what the node's socket slots are held by,
   * so those of a previous run under the same node id stop counting.
   */
  readonly runId = randomBytes(9).toString('base64url');
  private isRegistered = false;
  private ticking = false;
  private stopped = false;

  constructor(
    private readonly options: NodeLivenessOptions,
    private readonly host: LivenessHost,
  ) {}

  /** Registered in the membership store: until then joins are answered "try again later". */
  get registered(): boolean {
    return this.isRegistered;
  }

  /**
   * Starts the liveness and ping timers, and registers the node now if the store is reachable —
   * else at the first step that reaches it.
   */
  async start(): Promise<void> {
    const { nodeTimeoutMs, pingIntervalMs } = this.options;
    await this.tick();
    this.timers.push(setInterval(() => void this.tick(), Math.max(50, nodeTimeoutMs / 3)));
    this.timers.push(setInterval(() => this.pingAll(), pingIntervalMs));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
  }

  /**
   * Runs the step now: after Redis comes back, seats may need re-asserting at once (or, if Redis
   * was down at start, the node registers).
   */
  onStoreReconnected(): void {
    if (this.isRegistered) this.options.metrics.redisReconnects.inc();
    void this.tick();
  }

  /** A store write that failed (Redis away): retried at each step until it succeeds. */
  retryLater(write: () => Promise<unknown>): void {
    this.retries.push(write);
  }

  /**
   * The periodic step: register the node the first time the store is reachable (clearing seats a
   * previous run under the same node id may have left), refresh its liveness (re-asserting every
   * seat when the store had given the node up or lost its data), retry failed writes, sweep dead nodes,
   * and let go of members whose heartbeats stopped.
   */
  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    const { membership, nodeId, log } = this.options;
    try {
      if (!this.isRegistered) await membership.sweepNode(nodeId, true);
      const wasAlive = await membership.markAlive(nodeId, this.runId, this.options.nodeTimeoutMs);
      if (!wasAlive && this.isRegistered) {
        log.warn({ nodeId }, 'membership store had lost this node: re-asserting its seats');
        for (const session of this.host.sessions()) {
          if (session.isJoined()) this.host.reassert(session);
        }
      }
      this.isRegistered = true;
      while (this.retries.length > 0) {
        await this.retries[0]!();
        this.retries.shift();
      }
      for (const dead of await membership.deadNodes(nodeId)) {
        const removed = await membership.sweepNode(dead, false);
        if (removed >= 0) log.info({ deadNode: dead, removed }, 'swept a dead node');
      }
    } catch (error) {
      log.warn({ err: error }, 'liveness step failed');
    } finally {
      this.ticking = false;
    }
    this.expireSilentMembers();
  }

  private expireSilentMembers(): void {
    const deadline = Date.now() - this.options.presenceTtlSeconds * 1000;
    for (const session of this.host.sessions()) {
      if (!session.isJoined() || session.busy) continue;
      if (session.state.lastHeartbeatAt < deadline) this.host.expire(session);
    }
  }

  /** Protocol pings: a socket that did not answer the previous one is dead. */
  private pingAll(): void {
    for (const session of this.host.sessions()) {
      if (!session.alive) {
        session.socket.terminate();
        continue;
      }
      session.alive = false;
      session.socket.ping();
    }
  }
}
