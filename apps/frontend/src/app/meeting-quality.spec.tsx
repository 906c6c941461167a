/** @jest-environment jsdom */
import { act, screen, within } from '@testing-library/react';
import type { FakePeerConnection } from '../features/call/mesh/test-support/mesh-fakes';
import type { StatsEntry } from '../features/call/quality/link-stats';
import { joinWith, openMeeting, type MeetingHarness } from '../test-support/meeting-page';

const BOB = '00000000-0000-4000-8000-00000000000b';

/** A ResizeObserver the test drives: `resize` reports a size to every observer. */
class FakeResizeObserver {
  static all: FakeResizeObserver[] = [];
  private readonly elements: Element[] = [];
  constructor(private readonly callback: ResizeObserverCallback) {
    FakeResizeObserver.all.push(this);
  }
  observe(element: Element) {
    this.elements.push(element);
  }
  disconnect() {
    this.elements.length = 0;
  }
  unobserve() {}
  static resize(match: (element: Element) => boolean, width: number, height: number) {
    for (const observer of FakeResizeObserver.all)
      for (const target of observer.elements.filter(match))
        observer.callback(
          [{ target, contentRect: { width, height } } as unknown as ResizeObserverEntry],
          observer as unknown as ResizeObserver,
        );
  }
}

beforeEach(() => {
  window.sessionStorage.clear();
  FakeResizeObserver.all = [];
  Object.assign(globalThis, { ResizeObserver: FakeResizeObserver });
  jest.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
  delete (globalThis as { ResizeObserver?: unknown }).ResizeObserver;
});

/** Bob's link: relayed over TCP, 180 ms, 2 % loss, at an audio level (0–1) from bob. */
function bobStats(options: { bobLevel?: number; loss?: number } = {}): StatsEntry[] {
  return [
    { type: 'transport', id: 'T', selectedCandidatePairId: 'P' },
    {
      type: 'candidate-pair',
      id: 'P',
      localCandidateId: 'L',
      remoteCandidateId: 'R',
      availableOutgoingBitrate: 2_000_000,
    },
    {
      type: 'local-candidate',
      id: 'L',
      candidateType: 'relay',
      protocol: 'udp',
      relayProtocol: 'tcp',
    },
    { type: 'remote-candidate', id: 'R', candidateType: 'srflx', protocol: 'udp' },
    {
      type: 'remote-inbound-rtp',
      id: 'RA',
      kind: 'audio',
      roundTripTime: 0.18,
      fractionLost: options.loss ?? 0.02,
    },
    { type: 'inbound-rtp', id: 'IA', kind: 'audio', audioLevel: options.bobLevel ?? 0 },
  ];
}

/** One round of the call-quality loop (every 2 s). */
async function round(harness: MeetingHarness) {
  await act(async () => {
    harness.clock.advance(2_000);
    // jsdom has no setImmediate: a few macrotask turns let the stats promises settle.
    for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

async function withBob() {
  const harness = await openMeeting();
  await joinWith(harness, [{ userId: BOB, displayName: 'bob' }]);
  const pc: FakePeerConnection = harness.pcs.last;
  const channel = pc.channel!;
  act(() => channel.open());
  return { harness, pc, channel };
}

/** Bob says he pauses the video he sends us, because of his side (`sender`) or ours. */
function bobHoldsBack(channel: { receive(data: unknown): void }, by: 'sender' | 'receiver') {
  channel.receive(
    JSON.stringify({ muted: false, cameraOff: false, sendLimit: { paused: true, by } }),
  );
}

const bobTile = () => screen.getByRole('group', { name: 'bob' });

describe('call quality in the meeting', () => {
  it('says on the tile and in the Connection panel how the link to each person is doing', async () => {
    const { harness, pc } = await withBob();
    pc.stats = bobStats();
    await round(harness);
    expect(within(bobTile()).getByText('Relayed over TCP, 180 ms, 2 % loss')).toBeTruthy();
    expect(within(bobTile()).queryByText(/Poor connection/)).toBeNull();

    const toggle = screen.getByRole('button', { name: 'Connection' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('region', { name: 'Connection' })).toBeNull();
    await harness.user.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const panel = screen.getByRole('region', { name: 'Connection' });
    expect(within(panel).getByRole('listitem').textContent).toBe(
      'bob ↔ you: relayed over TCP, 180 ms, 2 % loss',
    );
  });

  it('marks a lossy link "Poor connection" in words', async () => {
    const { harness, pc } = await withBob();
    pc.stats = bobStats({ loss: 0.1 });
    await round(harness);
    expect(within(bobTile()).getByText('Poor connection to bob')).toBeTruthy();
  });

  it('shows "Video paused to keep audio" naming whose connection is weak, as the sender told us', async () => {
    const { harness, pc, channel } = await withBob();
    pc.stats = bobStats();
    act(() => bobHoldsBack(channel, 'sender'));
    await round(harness);
    const status = within(bobTile()).getByRole('status');
    expect(status.textContent).toBe("Video paused to keep audio — bob's connection is weak");
    expect(within(bobTile()).getByText("Poor connection — bob's connection")).toBeTruthy();

    act(() => bobHoldsBack(channel, 'receiver'));
    await round(harness);
    expect(within(bobTile()).getByRole('status').textContent).toBe(
      'Video paused to keep audio — your connection is weak',
    );
  });

  it('highlights who speaks, in words too, and speaker view shows them large', async () => {
    const { harness, pc } = await withBob();
    pc.stats = bobStats({ bobLevel: 0.4 });
    await round(harness);
    await round(harness);
    expect(bobTile().classList.contains('tile--speaking')).toBe(true);
    expect(within(bobTile()).getByText('Speaking')).toBeTruthy();
    expect(bobTile().closest('.stage__main')).toBeNull();

    await harness.user.click(screen.getByRole('button', { name: 'Speaker view' }));
    expect(bobTile().closest('.stage__main')).not.toBeNull();
    expect(screen.getByRole('group', { name: /^You/ }).closest('.stage__strip')).not.toBeNull();
    await harness.user.click(screen.getByRole('button', { name: 'Grid view' }));
    expect(bobTile().closest('.stage__main')).toBeNull();
  });

  it("tells the peer the tile's size in device pixels, and hidden while the tab is hidden", async () => {
    const { channel } = await withBob();
    const sentViews = () =>
      channel.sent.map((message) => JSON.parse(message) as { view?: unknown }).map((m) => m.view);
    act(() =>
      FakeResizeObserver.resize((element) => element.classList.contains('tile__quality'), 320, 180),
    );
    expect(sentViews().at(-1)).toEqual({
      width: 320 * window.devicePixelRatio,
      height: 180 * window.devicePixelRatio,
      hidden: false,
    });

    const visibility = jest.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect(sentViews().at(-1)).toMatchObject({ hidden: true });
    visibility.mockReturnValue('visible');
  });
});
