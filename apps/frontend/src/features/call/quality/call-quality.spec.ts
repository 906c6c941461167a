import type { PeerSendLimit, PeerView } from '@qual-meet/protocol';
import { FakeClock, flushPromises } from '../../../test-support/fake-clock';
import { CallQuality, SELF_SPEAKER, type QualityLink } from './call-quality';
import type { StatsEntry } from './link-stats';
import type { VideoLimits } from './uplink-budget';

/** A link whose stats the test writes: cumulative bytes grow by `sendBps` each second. */
class FakeQualityLink implements QualityLink {
  remoteView: PeerView | null = { width: 1280, height: 720, hidden: false };
  remoteSendLimit: PeerSendLimit | null = null;
  status = 'connected';
  applied: (VideoLimits | null)[] = [];
  told: [PeerView | null, PeerSendLimit | null][] = [];
  loss = 0;
  sendBps = 1_000_000;
  available = 2_500_000;
  inboundLevel = 0;
  localLevel = 0;
  private bytes = 0;
  private lastAt: number | null = null;

  constructor(private readonly clock: FakeClock) {}

  async readStats(): Promise<StatsEntry[]> {
    const now = this.clock.now();
    if (this.lastAt !== null) this.bytes += ((now - this.lastAt) / 1000) * (this.sendBps / 8);
    this.lastAt = now;
    return [
      { type: 'transport', id: 'T', selectedCandidatePairId: 'P' },
      {
        type: 'candidate-pair',
        id: 'P',
        localCandidateId: 'L',
        remoteCandidateId: 'R',
        availableOutgoingBitrate: this.available,
        currentRoundTripTime: 0.05,
      },
      { type: 'local-candidate', id: 'L', candidateType: 'srflx', protocol: 'udp' },
      { type: 'remote-candidate', id: 'R', candidateType: 'srflx', protocol: 'udp' },
      { type: 'outbound-rtp', id: 'OV', kind: 'video', bytesSent: this.bytes },
      { type: 'remote-inbound-rtp', id: 'RV', kind: 'video', fractionLost: this.loss },
      { type: 'inbound-rtp', id: 'IA', kind: 'audio', audioLevel: this.inboundLevel },
      { type: 'media-source', id: 'SA', kind: 'audio', audioLevel: this.localLevel },
    ];
  }

  applyVideoLimits(limits: VideoLimits | null): void {
    this.applied.push(limits);
  }

  tellQuality(view: PeerView | null, sendLimit: PeerSendLimit | null): void {
    this.told.push([view, sendLimit]);
  }
}

function setup(count = 3, options: { budget?: boolean } = {}) {
  const clock = new FakeClock();
  const links = new Map<string, FakeQualityLink>();
  for (let i = 0; i < count; i += 1) links.set(`peer-${i}`, new FakeQualityLink(clock));
  const quality = new CallQuality({ timers: clock, links: () => links, ...options });
  quality.start();
  const round = async () => {
    clock.advance(2_000);
    await flushPromises();
  };
  return { clock, links, quality, round };
}

describe('CallQuality', () => {
  it('leaves healthy links free and describes each', async () => {
    const { links, quality, round } = setup();
    await round();
    await round();
    for (const link of links.values()) expect(link.applied.at(-1)?.maxBitrate).toBe(1_500_000);
    const peer = quality.getSnapshot().peers.get('peer-0');
    expect(peer).toEqual({
      health: { route: 'direct', over: 'UDP', rttMs: 50, lossPercent: 0, poor: false },
      sending: null,
      receiving: null,
    });
  });

  it('on a weak uplink lowers every link, pauses where needed, and tells the peers it is us', async () => {
    const { links, quality, round } = setup();
    await round();
    for (const link of links.values()) {
      link.loss = 0.15;
      link.sendBps = 90_000;
    }
    await round();
    await round();
    const applied = [...links.values()].map((link) => link.applied.at(-1));
    expect(applied.some((limits) => limits === null)).toBe(true);
    for (const link of links.values()) {
      expect(link.told.at(-1)?.[1]).toMatchObject({ by: 'sender' });
    }
    expect(quality.getSnapshot().peers.get('peer-0')?.health.poor).toBe(true);
    expect(quality.getSnapshot().uplinkBps).toBeLessThan(300_000);
  });

  it('leaves a link alone while it is down and for a while after it is back', async () => {
    const { links, round } = setup(1);
    const link = links.get('peer-0')!;
    await round();
    await round();
    const decided = link.applied.length;
    link.status = 'reconnecting';
    await round();
    // Back on a new path: the outage's losses and a low first estimate are not congestion.
    link.status = 'connected';
    link.loss = 0.5;
    link.available = 100_000;
    await round();
    await round();
    expect(link.applied).toHaveLength(decided);
    link.loss = 0;
    link.available = 2_500_000;
    await round();
    expect(link.applied.length).toBeGreaterThan(decided);
    expect(link.applied.at(-1)).not.toBeNull();
  });

  it('with the budget off applies nothing (each link alone decides)', async () => {
    const { links, round } = setup(2, { budget: false });
    await round();
    await round();
    for (const link of links.values()) expect(link.applied).toEqual([]);
  });

  it('tells a peer what we show of its video only when that changed noticeably', () => {
    const { links, quality } = setup(1);
    const link = links.get('peer-0')!;
    quality.setView('peer-0', { width: 640, height: 360, hidden: false });
    quality.setView('peer-0', { width: 660, height: 370, hidden: false });
    quality.setView('peer-0', { width: 660, height: 370, hidden: true });
    expect(link.told.map(([view]) => view)).toEqual([
      { width: 640, height: 360, hidden: false },
      { width: 660, height: 370, hidden: true },
    ]);
  });

  it('tells a new link to the same person (they rejoined) what it told the old one', async () => {
    const { clock, links, quality, round } = setup(1);
    quality.setView('peer-0', { width: 640, height: 360, hidden: true });
    const fresh = new FakeQualityLink(clock);
    links.set('peer-0', fresh);
    await round();
    expect(fresh.told.at(-1)?.[0]).toEqual({ width: 640, height: 360, hidden: true });
    quality.setView('peer-0', { width: 650, height: 365, hidden: true });
    expect(fresh.told).toHaveLength(1);
  });

  it('marks a link poor when the peer says it holds back its video to us', async () => {
    const { links, quality, round } = setup(1);
    links.get('peer-0')!.remoteSendLimit = { paused: true, by: 'sender' };
    await round();
    expect(quality.getSnapshot().peers.get('peer-0')).toMatchObject({
      receiving: { paused: true, by: 'sender' },
      health: { poor: true },
    });
  });

  it('names who speaks, us included', async () => {
    const { links, quality, round } = setup(2);
    links.get('peer-1')!.inboundLevel = 0.4;
    await round();
    expect(quality.getSnapshot().speakerId).toBe('peer-1');
    links.get('peer-1')!.inboundLevel = 0;
    for (const link of links.values()) link.localLevel = 0.5;
    for (let i = 0; i < 3; i += 1) await round();
    expect(quality.getSnapshot().speakerId).toBe(SELF_SPEAKER);
  });

  it('stops reading once stopped, leaving no timer behind', async () => {
    const { clock, links, quality, round } = setup(1);
    await round();
    quality.stop();
    const applied = links.get('peer-0')!.applied.length;
    await round();
    expect(links.get('peer-0')!.applied).toHaveLength(applied);
    expect(clock.pendingCount).toBe(0);
  });
});
