import { emptyLinkSample, type LinkSample } from './link-stats';
import {
  DEFAULT_BUDGET_SETTINGS,
  UplinkBudget,
  waterFill,
  type LinkInput,
  type ReceiverNeed,
} from './uplink-budget';

const s = DEFAULT_BUDGET_SETTINGS;
const large: ReceiverNeed = { width: 1280, height: 720, hidden: false };
const small: ReceiverNeed = { width: 320, height: 180, hidden: false };
const hidden: ReceiverNeed = { width: 0, height: 0, hidden: true };

function sample(overrides: Partial<LinkSample> = {}): LinkSample {
  return {
    ...emptyLinkSample(0),
    availableOutgoingBitrate: 2_500_000,
    rttMs: 40,
    loss: 0,
    ...overrides,
  };
}

function link(
  peerId: string,
  options: {
    loss?: number;
    sentBps?: number;
    available?: number | null;
    need?: ReceiverNeed | null;
  } = {},
): LinkInput {
  const sent = options.sentBps ?? 600_000;
  return {
    peerId,
    sample: sample({
      loss: options.loss ?? 0,
      availableOutgoingBitrate: options.available === undefined ? 2_500_000 : options.available,
    }),
    rate: { videoBps: Math.max(0, sent - 40_000), audioBps: Math.min(sent, 40_000) },
    need: options.need === undefined ? large : options.need,
  };
}

const videoTotal = (decision: ReturnType<UplinkBudget['update']>) =>
  decision.allocations.reduce((sum, a) => sum + (a.video?.maxBitrate ?? 0), 0);

describe('waterFill', () => {
  it('gives small wants in full and splits the rest evenly, never past the budget', () => {
    const given = waterFill(
      1_000,
      new Map([
        ['a', 100],
        ['b', 800],
        ['c', 800],
      ]),
    );
    expect(given.get('a')).toBe(100);
    expect(given.get('b')).toBe(450);
    expect(given.get('c')).toBe(450);
  });

  it('gives each its want when the budget is larger, and nothing below zero', () => {
    expect([
      ...waterFill(
        10_000,
        new Map([
          ['a', 300],
          ['b', 200],
        ]),
      ).values(),
    ]).toEqual([200, 300]);
    expect([...waterFill(-5, new Map([['a', 300]])).values()]).toEqual([0]);
  });
});

describe('UplinkBudget', () => {
  it('lets every link send what its receiver needs when nothing is congested', () => {
    const budget = new UplinkBudget();
    const decision = budget.update([link('a'), link('b'), link('c')]);
    expect(decision.uplinkCongested).toBe(false);
    for (const allocation of decision.allocations) {
      expect(allocation.video).not.toBeNull();
      expect(allocation.video!.maxBitrate).toBe(s.maxVideoBps);
      expect(allocation.video!.scaleResolutionDownBy).toBe(1);
      expect(allocation.limitedBy).toBeNull();
    }
  });

  it('on a congested uplink keeps audio first and splits what got through, blaming our side', () => {
    const budget = new UplinkBudget();
    budget.update([link('a'), link('b'), link('c')]);
    // Every link loses packets: 800 kbit/s got through in all.
    const weak = ['a', 'b', 'c'].map((id) => link(id, { loss: 0.12, sentBps: 800_000 / 3 }));
    const decision = budget.update(weak);
    expect(decision.uplinkCongested).toBe(true);
    expect(decision.uplinkBps).toBeCloseTo(800_000 * 0.85, -3);
    expect(videoTotal(decision)).toBeLessThanOrEqual(decision.uplinkBps - 3 * s.audioReserveBps);
    for (const allocation of decision.allocations) {
      expect(allocation.limitedBy).toBe('self');
      if (allocation.video) {
        expect(allocation.video.maxFramerate).toBe(15);
        expect(allocation.video.scaleResolutionDownBy).toBeGreaterThan(1);
      }
    }
  });

  it('pauses video where the share would fall below the floor, keeping it where it fits', () => {
    const budget = new UplinkBudget();
    const decision = budget.update(
      ['a', 'b', 'c'].map((id) => link(id, { loss: 0.2, sentBps: 300_000 / 3 })),
    );
    // 255 kbit/s estimated − 144 kbit/s of audio: one link can have video, not three.
    const withVideo = decision.allocations.filter((a) => a.video !== null);
    expect(withVideo).toHaveLength(1);
    expect(withVideo[0]!.video!.maxBitrate).toBeGreaterThanOrEqual(s.videoFloorBps);
    expect(decision.allocations.every((a) => a.limitedBy === 'self')).toBe(true);
  });

  it('sends a hidden tile only a trickle when the visible ones are served', () => {
    const budget = new UplinkBudget();
    const decision = budget.update([link('a'), link('b', { need: hidden })]);
    const byPeer = new Map(decision.allocations.map((a) => [a.peerId, a]));
    expect(byPeer.get('b')).toEqual({
      peerId: 'b',
      video: { maxBitrate: s.videoFloorBps, scaleResolutionDownBy: 4, maxFramerate: 15 },
      limitedBy: null,
    });
    expect(byPeer.get('a')!.video!.maxBitrate).toBe(s.maxVideoBps);
  });

  it('gives a hidden tile no video when the budget is short, without blaming anyone, and its share to the others', () => {
    const budget = new UplinkBudget();
    const congested = (id: string, need: ReceiverNeed) =>
      link(id, { loss: 0.1, sentBps: 1_200_000 / 3, need });
    const decision = budget.update([
      congested('a', large),
      congested('b', large),
      congested('c', hidden),
    ]);
    const byPeer = new Map(decision.allocations.map((a) => [a.peerId, a]));
    expect(byPeer.get('c')).toEqual({ peerId: 'c', video: null, limitedBy: null });
    const videoBudget = decision.uplinkBps - 3 * s.audioReserveBps;
    expect(byPeer.get('a')!.video!.maxBitrate).toBeCloseTo(videoBudget / 2, -2);
  });

  it('sends a small tile less than a large one', () => {
    const budget = new UplinkBudget();
    const decision = budget.update([link('a', { need: large }), link('b', { need: small })]);
    const [forLarge, forSmall] = decision.allocations;
    expect(forSmall!.video!.maxBitrate).toBeLessThan(forLarge!.video!.maxBitrate);
    expect(forSmall!.video!.scaleResolutionDownBy).toBe(s.sourceHeight / 180);
  });

  it('scales from the height the camera really captures, not from 720p', () => {
    const budget = new UplinkBudget();
    const camera480: LinkInput = {
      ...link('a', { need: { width: 640, height: 360, hidden: false } }),
      sample: sample({ videoSourceHeight: 480 }),
    };
    const camera240: LinkInput = {
      ...link('b', { need: large }),
      sample: sample({ videoSourceHeight: 240 }),
    };
    const [from480, from240] = budget.update([camera480, camera240]).allocations;
    // 360 px wanted from a 480 px camera: 4/3 smaller, not 2× (720 / 360).
    expect(from480!.video!.scaleResolutionDownBy).toBeCloseTo(480 / 360);
    // A camera smaller than what the bitrate allows is sent as it is.
    expect(from240!.video!.scaleResolutionDownBy).toBe(1);
  });

  it('caps only the receiver whose link congests, blaming that receiver, and spares the others', () => {
    const budget = new UplinkBudget();
    budget.update([link('a'), link('b'), link('c')]);
    const decision = budget.update([
      link('a', { loss: 0.15, sentBps: 300_000 }),
      link('b', { sentBps: 1_500_000 }),
      link('c', { sentBps: 1_500_000 }),
    ]);
    expect(decision.uplinkCongested).toBe(false);
    const byPeer = new Map(decision.allocations.map((a) => [a.peerId, a]));
    expect(byPeer.get('a')!.limitedBy).toBe('peer');
    expect(byPeer.get('a')!.video!.maxBitrate).toBeLessThanOrEqual(300_000);
    expect(byPeer.get('b')).toMatchObject({
      limitedBy: null,
      video: { maxBitrate: s.maxVideoBps },
    });
    expect(byPeer.get('c')).toMatchObject({
      limitedBy: null,
      video: { maxBitrate: s.maxVideoBps },
    });
  });

  it('grows back after congestion, and resumes a paused link only clearly above the floor', () => {
    const budget = new UplinkBudget();
    budget.update([link('a', { loss: 0.3, sentBps: 150_000 })]);
    // 127 kbit/s − 48 kbit/s of audio: below the floor, paused.
    const paused = budget.update([link('a', { loss: 0.3, sentBps: 150_000 })]);
    expect(paused.allocations[0]!.video).toBeNull();
    expect(paused.allocations[0]!.limitedBy).toBe('self');

    const estimates: number[] = [];
    let resumedAt = -1;
    for (let round = 0; round < 20 && resumedAt < 0; round += 1) {
      const decision = budget.update([link('a', { sentBps: 50_000 })]);
      estimates.push(decision.uplinkBps);
      if (decision.allocations[0]!.video) resumedAt = round;
    }
    expect(estimates).toEqual([...estimates].sort((x, y) => x - y));
    expect(resumedAt).toBeGreaterThanOrEqual(0);
    const resumed = budget.update([link('a', { sentBps: 50_000 })]);
    expect(resumed.allocations[0]!.video!.maxBitrate).toBeGreaterThanOrEqual(
      s.videoFloorBps * s.resumeFactor,
    );
  });

  it('never plans past any link’s own estimate, and forgets links that left', () => {
    const budget = new UplinkBudget();
    const decision = budget.update([link('a', { available: 400_000 }), link('b')]);
    const byPeer = new Map(decision.allocations.map((a) => [a.peerId, a]));
    expect(byPeer.get('a')!.video!.maxBitrate).toBeLessThanOrEqual(400_000 - s.audioReserveBps);
    expect(budget.update([])).toEqual({ uplinkBps: 0, uplinkCongested: false, allocations: [] });
  });

  it('backs off once per congestion, not every round while it lasts (no ratchet to zero)', () => {
    const budget = new UplinkBudget();
    budget.update([link('a'), link('b')]);
    // We send what the budget allows (our own limits cap it), and the links stay lossy.
    let sending = 800_000;
    const estimates: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      const each = sending / 2;
      const decision = budget.update([
        link('a', { loss: 0.1, sentBps: each }),
        link('b', { loss: 0.1, sentBps: each }),
      ]);
      estimates.push(decision.uplinkBps);
      sending = decision.uplinkBps;
    }
    // Backed off at the first round, held for two, backed off again at the fourth.
    expect(estimates[0]).toBeCloseTo(800_000 * 0.85, -3);
    expect(estimates[1]).toBe(estimates[0]);
    expect(estimates[2]).toBe(estimates[0]);
    expect(estimates[3]).toBeCloseTo(estimates[0]! * 0.85, -3);
  });
});
