import type { LinkSample, SendRate } from './link-stats';

/**
 * One upload budget across all of a person's links (docs/CALL-QUALITY.md).
 *
 * In a mesh every person sends their video once per peer over one uplink, and each peer
 * connection runs its own congestion control: on a weak uplink the links fight and every
 * receiver gets a broken picture and broken sound. The budget estimates the uplink as a whole,
 * keeps audio first, and splits what is left among the video senders by what each receiver
 * needs (a hidden or small tile gets little); below a floor a link pauses its video.
 */

/** What a receiver tells us it shows of our video (over the peer data channel). */
export interface ReceiverNeed {
  /** Tile size in device pixels. */
  width: number;
  height: number;
  /** Tab hidden or our tile off-screen: nothing of our video is watched now (it gets a trickle). */
  hidden: boolean;
}

export interface LinkInput {
  peerId: string;
  sample: LinkSample;
  /** What we sent on the link since its previous sample. */
  rate: SendRate;
  /** Null until the receiver told us: treated as a medium tile. */
  need: ReceiverNeed | null;
}

/** Encoding limits for one video sender (`RTCRtpEncodingParameters`). */
export interface VideoLimits {
  maxBitrate: number;
  scaleResolutionDownBy: number;
  maxFramerate: number;
}

/** Whose connection limits a link: ours (the uplink) or the receiver's (its downlink or path). */
export type LimitingSide = 'self' | 'peer';

export interface LinkAllocation {
  peerId: string;
  /** Null: video paused, audio only. */
  video: VideoLimits | null;
  /** Why video is reduced or paused by a connection; null when it is not (or the tile is hidden). */
  limitedBy: LimitingSide | null;
}

export interface BudgetDecision {
  /** The estimated uplink, bits/s. */
  uplinkBps: number;
  /** True while our uplink, not a receiver, is what limits. */
  uplinkCongested: boolean;
  allocations: LinkAllocation[];
}

/** Tunables; the defaults are what the call uses. */
export interface BudgetSettings {
  /** Kept for each link's audio (Opus plus packet overhead), bits/s. */
  audioReserveBps: number;
  /** Less video than this on a link is not worth sending: audio only. */
  videoFloorBps: number;
  /** A paused link resumes only above floor × this, so it does not flap. */
  resumeFactor: number;
  /** Most we send one receiver, bits/s. */
  maxVideoBps: number;
  /** Fraction of packets lost (as the receiver reports) that counts as congestion. */
  congestedLoss: number;
  /** Bits per pixel per frame the encoder needs for a clear picture. */
  bitsPerPixel: number;
  /** Height of what the camera captures, px, when the link's stats do not say. */
  sourceHeight: number;
}

export const DEFAULT_BUDGET_SETTINGS: BudgetSettings = {
  audioReserveBps: 48_000,
  videoFloorBps: 100_000,
  resumeFactor: 1.5,
  maxVideoBps: 1_500_000,
  congestedLoss: 0.05,
  bitsPerPixel: 0.07,
  sourceHeight: 720,
};

/** A receiver that has not told us its tile: a medium tile. */
const DEFAULT_NEED: ReceiverNeed = { width: 640, height: 360, hidden: false };
/** What a hidden tile is sent as: the smallest picture. */
const HIDDEN_NEED: ReceiverNeed = { width: 320, height: 180, hidden: true };
/** Growth per update while nothing is congested: multiplicative, plus a step to leave zero. */
const GROWTH_FACTOR = 1.1;
const GROWTH_STEP_BPS = 64_000;
/** After congestion, what we keep of what actually got through. */
const BACKOFF_FACTOR = 0.85;
/** Rounds a back-off holds before another (at 2 s a round, the new rate has shown by then). */
const DECREASE_HOLD_ROUNDS = 2;
/** Heights the encoder is asked for, by the bitrate it has (bits/s, at least). */
const LADDER: ReadonlyArray<{ minBps: number; height: number }> = [
  { minBps: 1_200_000, height: 720 },
  { minBps: 600_000, height: 540 },
  { minBps: 300_000, height: 360 },
  { minBps: 150_000, height: 270 },
  { minBps: 0, height: 180 },
];

function isCongested(input: LinkInput, settings: BudgetSettings): boolean {
  const { sample, rate } = input;
  if (sample.loss !== null && sample.loss >= settings.congestedLoss) return true;
  const sent = rate.videoBps + rate.audioBps;
  // The link's own estimate fell well below what we push into it.
  return sample.availableOutgoingBitrate !== null && sent > 0
    ? sample.availableOutgoingBitrate < sent * 0.8
    : false;
}

/**
 * Max–min fair split of `budget` among `wants` (each gets at most its want; what small wants
 * leave goes to larger ones).
 */
export function waterFill(budget: number, wants: ReadonlyMap<string, number>): Map<string, number> {
  const given = new Map<string, number>();
  const order = [...wants.entries()].sort((a, b) => a[1] - b[1]);
  let remaining = Math.max(0, budget);
  order.forEach(([id, want], index) => {
    const share = remaining / (order.length - index);
    const give = Math.min(want, share);
    given.set(id, give);
    remaining -= give;
  });
  return given;
}

/**
 * The limits for `bps` of video shown at `need`, from a camera picture `sourceHeight` high: the
 * scale is relative to what the camera really captures (the SPA asks for 640 wide, not 720p), or
 * a small camera would be scaled far below the height the bitrate allows.
 */
export function videoLimitsFor(
  bps: number,
  need: ReceiverNeed,
  settings: BudgetSettings,
  sourceHeight = settings.sourceHeight,
): VideoLimits {
  const byRate = LADDER.find((step) => bps >= step.minBps)?.height ?? 180;
  const height = Math.max(90, Math.min(byRate, need.height || byRate, sourceHeight));
  return {
    maxBitrate: Math.floor(bps),
    scaleResolutionDownBy: Math.max(1, sourceHeight / height),
    maxFramerate: bps < 200_000 ? 15 : 30,
  };
}

/**
 * Decides, every few seconds from fresh stats, what each link may send. Holds the uplink
 * estimate and the per-receiver caps between updates.
 */
export class UplinkBudget {
  private estimate: number | null = null;
  /** Receivers whose link congested while the others did not: their own cap, bits/s. */
  private readonly peerCaps = new Map<string, number>();
  private readonly paused = new Set<string>();
  /** Rounds to wait after a back-off before the next one. */
  private holdRounds = 0;

  constructor(private readonly settings: BudgetSettings = DEFAULT_BUDGET_SETTINGS) {}

  update(links: readonly LinkInput[]): BudgetDecision {
    const s = this.settings;
    const ids = new Set(links.map((link) => link.peerId));
    for (const id of [...this.peerCaps.keys()]) if (!ids.has(id)) this.peerCaps.delete(id);
    for (const id of [...this.paused]) if (!ids.has(id)) this.paused.delete(id);
    if (links.length === 0) {
      this.estimate = null;
      return { uplinkBps: 0, uplinkCongested: false, allocations: [] };
    }

    const congested = links.filter((link) => isCongested(link, s));
    // Most links congested at once: the shared uplink is the bottleneck, not a receiver.
    const uplinkCongested = congested.length > 0 && congested.length * 2 >= links.length;
    const totalSent = links.reduce((sum, l) => sum + l.rate.videoBps + l.rate.audioBps, 0);
    const knownEstimates = links.map((l) => l.sample.availableOutgoingBitrate);
    const totalAvailable = knownEstimates.every((value) => value !== null)
      ? knownEstimates.reduce<number>((sum, value) => sum + (value ?? 0), 0)
      : null;

    if (uplinkCongested) {
      // What we send is capped by our own limits, so backing off every round would ratchet the
      // estimate down for as long as congestion lasts: back off once, then give the lower rate
      // time to show its effect before backing off again.
      if (this.holdRounds === 0) {
        const gotThrough = totalSent * BACKOFF_FACTOR;
        this.estimate = Math.min(this.estimate ?? gotThrough, gotThrough);
        this.holdRounds = DECREASE_HOLD_ROUNDS;
      } else {
        this.holdRounds -= 1;
      }
    } else {
      this.holdRounds = 0;
      const ceiling = totalAvailable ?? Number.POSITIVE_INFINITY;
      const grown =
        this.estimate === null ? ceiling : this.estimate * GROWTH_FACTOR + GROWTH_STEP_BPS;
      this.estimate = Math.min(grown, ceiling, links.length * (s.maxVideoBps + s.audioReserveBps));
      for (const link of congested) {
        const cap = link.rate.videoBps * BACKOFF_FACTOR;
        this.peerCaps.set(link.peerId, Math.min(this.peerCaps.get(link.peerId) ?? cap, cap));
      }
      for (const link of links) {
        const cap = this.peerCaps.get(link.peerId);
        if (cap === undefined || congested.includes(link)) continue;
        const grownCap = cap * GROWTH_FACTOR + GROWTH_STEP_BPS;
        if (grownCap >= s.maxVideoBps) this.peerCaps.delete(link.peerId);
        else this.peerCaps.set(link.peerId, grownCap);
      }
    }
    const uplinkBps = Math.max(0, this.estimate ?? 0);

    // What each receiver would take with no congestion anywhere, and with its own cap.
    const fullWants = new Map<string, number>();
    const wants = new Map<string, number>();
    for (const link of links) {
      const need = link.need ?? DEFAULT_NEED;
      if (need.hidden) continue;
      const full = Math.max(
        Math.min(s.maxVideoBps, need.width * need.height * 30 * s.bitsPerPixel),
        s.videoFloorBps * s.resumeFactor,
      );
      let want = full;
      const cap = this.peerCaps.get(link.peerId);
      if (cap !== undefined) want = Math.min(want, cap);
      const available = link.sample.availableOutgoingBitrate;
      if (available !== null) want = Math.min(want, Math.max(0, available - s.audioReserveBps));
      fullWants.set(link.peerId, full);
      wants.set(link.peerId, want);
    }

    // Links that cannot reach the floor pause, one at a time (the smallest share first), and
    // what they leave is split again among the rest.
    const floorOf = (id: string) =>
      this.paused.has(id) ? s.videoFloorBps * s.resumeFactor : s.videoFloorBps;
    const videoBudget = uplinkBps - s.audioReserveBps * links.length;
    let given = waterFill(videoBudget, wants);
    for (;;) {
      const below = [...given].filter(([id, bps]) => bps < floorOf(id));
      if (below.length === 0) break;
      const [starved] = below.sort((a, b) => a[1] - b[1]);
      wants.delete(starved![0]);
      given = waterFill(videoBudget, wants);
    }

    // Hidden tiles get a trickle (the floor, smallest picture) from what the visible ones left,
    // so a tile that comes back into view has a picture at once; with nothing left, none.
    let leftover = videoBudget - [...given.values()].reduce((sum, bps) => sum + bps, 0);
    for (const link of links) {
      if (!(link.need ?? DEFAULT_NEED).hidden || leftover < s.videoFloorBps) continue;
      given.set(link.peerId, s.videoFloorBps);
      leftover -= s.videoFloorBps;
    }

    const allocations = links.map((link): LinkAllocation => {
      const need = link.need ?? DEFAULT_NEED;
      const bps = given.get(link.peerId);
      const video =
        bps === undefined
          ? null
          : videoLimitsFor(
              bps,
              need.hidden ? HIDDEN_NEED : need,
              s,
              link.sample.videoSourceHeight ?? s.sourceHeight,
            );
      if (video) this.paused.delete(link.peerId);
      else this.paused.add(link.peerId);
      return {
        peerId: link.peerId,
        video,
        limitedBy: this.limitingSide(link.peerId, bps, need, fullWants),
      };
    });
    return { uplinkBps, uplinkCongested, allocations };
  }

  /**
   * Who is to blame when a link gets less than it wants: the receiver when its own cap is what
   * holds it back, else our uplink.
   */
  private limitingSide(
    peerId: string,
    bps: number | undefined,
    need: ReceiverNeed,
    fullWants: ReadonlyMap<string, number>,
  ): LimitingSide | null {
    if (need.hidden) return null;
    const full = fullWants.get(peerId) ?? 0;
    const cap = this.peerCaps.get(peerId);
    if (cap !== undefined && cap < full && (bps === undefined || bps >= cap * 0.99)) return 'peer';
    if (bps === undefined || bps < full * 0.99) return 'self';
    return null;
  }
}
