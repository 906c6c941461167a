import type { PeerSendLimit, PeerView } from '@qual-meet/protocol';
import { Store } from '../../../lib/store';
import type { TimerHandle, Timers } from '../../../lib/timers';
import { ActiveSpeaker } from './active-speaker';
import { linkHealthOf, type LinkHealth } from './link-health';
import { readLinkSample, sendRateBetween, type LinkSample, type StatsEntry } from './link-stats';
import {
  UplinkBudget,
  type LinkAllocation,
  type LinkInput,
  type VideoLimits,
} from './uplink-budget';

/** What the call-quality loop needs of a peer link (`PeerLink` is one). */
export interface QualityLink {
  readStats(): Promise<StatsEntry[] | null>;
  applyVideoLimits(limits: VideoLimits | null): void;
  /** Tells the peer what we show of its video and what we hold back of ours. */
  tellQuality(view: PeerView | null, sendLimit: PeerSendLimit | null): void;
  readonly remoteView: PeerView | null;
  readonly remoteSendLimit: PeerSendLimit | null;
  /** Whether media flows (`connected`), or the link is down or restarting. */
  readonly status: string;
}

/**
 * After a link was down (an ICE restart, a new path), how long the budget leaves it alone: the
 * outage's lost packets and the new path's first bandwidth estimate look like congestion, and
 * pausing its video then would cost the picture just as it came back.
 */
const SETTLE_MS = 4_000;

/** How one link is doing, for its tile and the Connection panel. */
export interface PeerQuality {
  health: LinkHealth;
  /** What we hold back of the camera video we send them, and whose connection forces it. */
  sending: PeerSendLimit | null;
  /** What they hold back of the video they send us, as they told us. */
  receiving: PeerSendLimit | null;
}

export interface QualitySnapshot {
  readonly peers: ReadonlyMap<string, PeerQuality>;
  /** Who is speaking: a participant's user id, `self`, or null. */
  readonly speakerId: string | null;
  /** Our estimated uplink, bits/s (0 before the first reading). */
  readonly uplinkBps: number;
}

export interface CallQualityOptions {
  timers: Timers;
  /** The current links, by remote user id. */
  links(): Iterable<readonly [string, QualityLink]>;
  /** How often stats are read and the budget decided, ms. */
  intervalMs?: number;
  /** Off: each link's own congestion control alone decides (the benchmark's baseline). */
  budget?: boolean;
}

/** The speaker id that means us. */
export const SELF_SPEAKER = 'self';
const DEFAULT_INTERVAL_MS = 2_000;
/** A view change smaller than this share of the old size is not worth telling the peer. */
const VIEW_CHANGE = 0.25;

function viewChanged(before: PeerView | null, after: PeerView | null): boolean {
  if (before === null || after === null) return before !== after;
  if (before.hidden !== after.hidden) return true;
  const differs = (a: number, b: number) => Math.abs(a - b) > Math.max(a, b) * VIEW_CHANGE;
  return differs(before.width, after.width) || differs(before.height, after.height);
}

const sendLimitOf = (allocation: LinkAllocation | undefined): PeerSendLimit | null =>
  allocation?.limitedBy
    ? {
        paused: allocation.video === null,
        by: allocation.limitedBy === 'self' ? 'sender' : 'receiver',
      }
    : null;

/**
 * The call's quality loop (docs/CALL-QUALITY.md): every couple of seconds it reads every link's
 * stats, runs the {@link UplinkBudget} and applies its limits, tells each peer what we show of
 * their video and what we hold back of ours, and finds who is speaking. Plain TypeScript:
 * tests drive it with fake links and a fake clock.
 */
export class CallQuality {
  private readonly store = new Store<QualitySnapshot>({
    peers: new Map(),
    speakerId: null,
    uplinkBps: 0,
  });
  readonly getSnapshot = this.store.getSnapshot;
  readonly subscribe = this.store.subscribe;

  private readonly budget = new UplinkBudget();
  private readonly speaker = new ActiveSpeaker();
  /** What we show of each participant, as last told (see {@link setView}). */
  private readonly views = new Map<string, PeerView>();
  private readonly told = new Map<string, PeerView | null>();
  /** The link last told, per person: a new link (they rejoined) is told again. */
  private readonly toldLinks = new Map<string, QualityLink>();
  private readonly sendLimits = new Map<string, PeerSendLimit | null>();
  private readonly previous = new Map<string, LinkSample>();
  /** Links that were down, by when they count again (Infinity while still down). */
  private readonly settling = new Map<string, number>();
  private interval: TimerHandle | null = null;
  private reading = false;

  constructor(private readonly options: CallQualityOptions) {}

  start(): void {
    if (this.interval !== null) return;
    this.interval = this.options.timers.setInterval(
      () => void this.tick(),
      this.options.intervalMs ?? DEFAULT_INTERVAL_MS,
    );
  }

  /** Stops the loop; the last snapshot stays. */
  stop(): void {
    if (this.interval === null) return;
    this.options.timers.clearInterval(this.interval);
    this.interval = null;
  }

  /** What this person's screen shows of a participant's video (tile size, hidden). */
  setView(userId: string, view: PeerView | null): void {
    if (view) this.views.set(userId, view);
    else this.views.delete(userId);
    const link = new Map(this.options.links()).get(userId);
    if (
      link &&
      (this.toldLinks.get(userId) !== link || viewChanged(this.told.get(userId) ?? null, view))
    )
      this.tell(userId, link);
  }

  /** One round: read, decide, apply, publish. Rounds never overlap. */
  async tick(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      await this.round();
    } finally {
      this.reading = false;
    }
  }

  private async round(): Promise<void> {
    const now = this.options.timers.now();
    const links = [...this.options.links()];
    const reports = await Promise.all(links.map(([, link]) => link.readStats()));
    if (this.interval === null) return;

    const inputs: LinkInput[] = [];
    const samples = new Map<string, LinkSample>();
    links.forEach(([userId, link], index) => {
      const report = reports[index];
      if (!report) return;
      const sample = readLinkSample(report, now);
      const before = this.previous.get(userId);
      samples.set(userId, sample);
      this.previous.set(userId, sample);
      if (before && this.settled(userId, link.status, now))
        inputs.push({
          peerId: userId,
          sample,
          rate: sendRateBetween(before, sample),
          need: link.remoteView,
        });
    });
    for (const userId of [...this.previous.keys()])
      if (!samples.has(userId)) this.previous.delete(userId);
    const present = new Set(links.map(([userId]) => userId));
    for (const userId of [...this.toldLinks.keys()])
      if (!present.has(userId)) this.toldLinks.delete(userId);

    const decision = this.options.budget === false ? null : this.budget.update(inputs);
    const allocations = new Map(decision?.allocations.map((a) => [a.peerId, a]));
    const peers = new Map<string, PeerQuality>();
    for (const [userId, link] of links) {
      const sample = samples.get(userId) ?? null;
      const allocation = allocations.get(userId);
      if (allocation) link.applyVideoLimits(allocation.video);
      const sending = sendLimitOf(allocation);
      const limitChanged =
        JSON.stringify(sending) !== JSON.stringify(this.sendLimits.get(userId) ?? null);
      this.sendLimits.set(userId, sending);
      if (limitChanged || this.toldLinks.get(userId) !== link) this.tell(userId, link);
      const receiving = link.remoteSendLimit;
      const health = linkHealthOf(sample, allocation?.limitedBy ?? null);
      peers.set(userId, {
        health: { ...health, poor: health.poor || receiving !== null },
        sending,
        receiving,
      });
    }

    const levels = new Map<string, number>();
    let selfLevel = 0;
    for (const [userId, sample] of samples) {
      levels.set(userId, sample.inbound.audioLevel ?? 0);
      selfLevel = Math.max(selfLevel, sample.localAudioLevel ?? 0);
    }
    if (samples.size > 0) levels.set(SELF_SPEAKER, selfLevel);
    const speakerId = this.speaker.update(levels, now);
    this.store.set({ peers, speakerId, uplinkBps: decision?.uplinkBps ?? 0 });
  }

  /** Whether the budget may decide for this link now (see {@link SETTLE_MS}). */
  private settled(userId: string, status: string, now: number): boolean {
    if (status !== 'connected') {
      this.settling.set(userId, Number.POSITIVE_INFINITY);
      return false;
    }
    const until = this.settling.get(userId);
    if (until === undefined) return true;
    if (until === Number.POSITIVE_INFINITY) this.settling.set(userId, now + SETTLE_MS);
    else if (now >= until) this.settling.delete(userId);
    return !this.settling.has(userId);
  }

  private tell(userId: string, link: QualityLink): void {
    const view = this.views.get(userId) ?? null;
    this.told.set(userId, view);
    this.toldLinks.set(userId, link);
    link.tellQuality(view, this.sendLimits.get(userId) ?? null);
  }
}
