import type { TargetedClientMessage } from '@qual-meet/protocol';
import { FakeClock, flushPromises } from '../../../test-support/fake-clock';
import { PeerLink, type NegotiationRole } from './peer-link';
import { candidate, FakePeerConnectionFactory, fakeStream } from './test-support/mesh-fakes';

const BOB = '00000000-0000-4000-8000-00000000000b';
const WINDOW_MS = 15_000;
const GRACE_MS = 2_500;
const RETRY_MS = 10_000;

function setup(
  role: NegotiationRole,
  localStream: MediaStream | null = fakeStream('audio', 'video'),
  {
    polite = false,
    onPathLost,
    pathWatchMs,
  }: { polite?: boolean; onPathLost?: () => void; pathWatchMs?: number } = {},
) {
  const clock = new FakeClock();
  const pcs = new FakePeerConnectionFactory();
  const sent: TargetedClientMessage[] = [];
  const onChange = jest.fn();
  const link = new PeerLink({
    remoteUserId: BOB,
    role,
    polite,
    onPathLost,
    pathWatchMs,
    configuration: { iceServers: [{ urls: 'stun:s.test' }] },
    localStream,
    screenStream: null,
    localMediaState: { muted: false, cameraOff: false },
    createPeerConnection: pcs.create,
    timers: clock,
    signal: (m) => sent.push(m),
    onChange,
    restartWindowMs: WINDOW_MS,
    disconnectedGraceMs: GRACE_MS,
    unreachableRetryMs: RETRY_MS,
    // Offers here are answered by hand or not at all; sending one again is negotiation.spec's.
    offerResendMs: 0,
  });
  return { link, pc: pcs.last, clock, sent, onChange };
}

const offers = (sent: TargetedClientMessage[]) => sent.filter((m) => m.type === 'offer');

describe('PeerLink as offerer', () => {
  it('sends our tracks and an offer addressed to the remote user', async () => {
    const stream = fakeStream('audio', 'video');
    const { link, pc, sent } = setup('offerer', stream);
    link.start();
    await flushPromises();
    expect(pc.tracks).toEqual([
      { kind: 'audio', stream },
      { kind: 'video', stream },
    ]);
    expect(pc.transceivers).toEqual([]);
    expect(pc.log).toEqual(['create:offer-1', 'local:offer:offer-1']);
    expect(sent).toEqual([{ type: 'offer', targetUserId: BOB, sdp: 'offer-1' }]);
  });

  it('still offers audio and video sections when we have no media, so the peer can send', async () => {
    const { link, pc, sent } = setup('offerer', null);
    link.start();
    await flushPromises();
    expect(pc.tracks).toEqual([]);
    expect(pc.transceivers).toEqual(['audio:recvonly', 'video:recvonly']);
    expect(sent.map((m) => m.type)).toEqual(['offer']);
  });

  it('applies the answer, then candidates that came before it, in arrival order', async () => {
    const { link, pc } = setup('offerer');
    link.start();
    await flushPromises();
    link.addRemoteCandidate(candidate('c1'));
    link.addRemoteCandidate(candidate('c2'));
    await flushPromises();
    expect(pc.log.filter((l) => l.startsWith('candidate'))).toEqual([]);
    link.acceptAnswer('answer-1');
    link.addRemoteCandidate(candidate('c3'));
    await flushPromises();
    expect(pc.log.slice(2)).toEqual([
      'remote:answer:answer-1',
      'candidate:c1',
      'candidate:c2',
      'candidate:c3',
    ]);
  });

  it('forwards local ICE candidates to the remote user', () => {
    const { pc, sent } = setup('offerer');
    pc.emitCandidate(candidate('local-1'));
    expect(sent).toEqual([
      { type: 'ice_candidate', targetUserId: BOB, candidate: candidate('local-1') },
    ]);
  });

  it('restarts ICE once when it fails, then gives the peer up as unreachable', async () => {
    const { link, pc, sent, clock } = setup('offerer');
    link.start();
    await flushPromises();
    link.acceptAnswer('answer-1');
    pc.emitIceState('connected');
    expect(link.status).toBe('connected');

    pc.emitIceState('failed');
    await flushPromises();
    expect(link.status).toBe('reconnecting');
    expect(offers(sent).map((m) => m.type === 'offer' && m.sdp)).toEqual([
      'offer-1',
      'offer-2-restart',
    ]);
    expect(clock.pendingCount).toBe(1);

    pc.emitIceState('failed');
    await flushPromises();
    expect(link.status).toBe('unreachable');
    expect(offers(sent)).toHaveLength(2);
    // Only the retry while unreachable is left.
    expect(clock.pendingCount).toBe(1);
  });

  /** An offerer whose first offer was answered. */
  async function answeredOfferer() {
    const fixture = setup('offerer');
    fixture.link.start();
    await flushPromises();
    fixture.link.acceptAnswer('answer-1');
    return fixture;
  }

  it('keeps trying an unreachable peer, and is connected again once ICE gets through', async () => {
    const { link, pc, sent, clock } = await answeredOfferer();
    pc.emitIceState('failed');
    await flushPromises();
    link.acceptAnswer('answer-2');
    pc.emitIceState('failed');
    expect(link.status).toBe('unreachable');
    clock.advance(RETRY_MS);
    await flushPromises();
    expect(link.status).toBe('unreachable');
    expect(offers(sent)).toHaveLength(3);
    link.acceptAnswer('answer-3');
    pc.emitIceState('failed');
    clock.advance(RETRY_MS);
    await flushPromises();
    expect(offers(sent)).toHaveLength(4);
    pc.emitIceState('connected');
    expect(link.status).toBe('connected');
    expect(clock.pendingCount).toBe(0);
  });

  it('restarts ICE when it stays disconnected, instead of waiting for it to fail', async () => {
    const { link, pc, sent, clock } = await answeredOfferer();
    pc.emitIceState('connected');
    pc.emitIceState('disconnected');
    clock.advance(GRACE_MS - 1);
    await flushPromises();
    expect(offers(sent)).toHaveLength(1);
    clock.advance(1);
    await flushPromises();
    expect(link.status).toBe('reconnecting');
    expect(offers(sent).at(-1)).toMatchObject({ sdp: 'offer-2-restart' });
    pc.emitIceState('connected');
    expect(clock.pendingCount).toBe(0);
  });

  it('restarts its video encoding once back after an outage, so the peer gets a key frame at once', async () => {
    const { pc } = await answeredOfferer();
    pc.emitIceState('connected');
    expect(pc.parameterWrites).toEqual([]);
    pc.emitIceState('disconnected');
    pc.emitIceState('connected');
    await flushPromises();
    const video = pc.tracks.findIndex((t) => t.kind === 'video');
    expect(pc.parameterWrites).toEqual([`${video}:false`, `${video}:true`]);
  });

  it('says when ICE lost its path, so signaling can be checked too', async () => {
    const onPathLost = jest.fn();
    const { pc } = setup('offerer', null, { onPathLost });
    pc.emitIceState('connected');
    expect(onPathLost).not.toHaveBeenCalled();
    pc.emitIceState('disconnected');
    expect(onPathLost).toHaveBeenCalledTimes(1);
  });

  describe('watching what arrives', () => {
    const WATCH_MS = 500;

    async function watchedOfferer(polite = false) {
      const onPathLost = jest.fn();
      const fixture = setup('offerer', fakeStream('audio', 'video'), {
        polite,
        onPathLost,
        pathWatchMs: WATCH_MS,
      });
      fixture.link.start();
      await flushPromises();
      fixture.link.acceptAnswer('answer-1');
      await flushPromises();
      fixture.pc.emitIceState('connected');
      return { ...fixture, onPathLost };
    }

    /** Lets `ms` pass in readings, the transport receiving `perReading` bytes in each. */
    async function receive(
      fixture: Awaited<ReturnType<typeof watchedOfferer>>,
      perReading: (reading: number) => number,
      ms: number,
    ) {
      for (let reading = 0; reading < ms / WATCH_MS; reading += 1) {
        const [transport] = fixture.pc.stats;
        const bytes = Number(transport?.['bytesReceived'] ?? 0) + perReading(reading);
        fixture.pc.stats = [{ type: 'transport', id: 'T01', bytesReceived: bytes }];
        fixture.clock.advance(WATCH_MS);
        await flushPromises();
      }
    }

    it('restarts ICE after a steady link received nothing for a while, before ICE says so', async () => {
      const fixture = await watchedOfferer();
      await receive(fixture, () => 1_000, 3_000);
      await receive(fixture, () => 0, 1_000);
      expect(fixture.onPathLost).not.toHaveBeenCalled();
      await receive(fixture, () => 0, 500);
      expect(fixture.onPathLost).toHaveBeenCalledTimes(1);
      expect(fixture.link.status).toBe('reconnecting');
      await receive(fixture, () => 0, GRACE_MS);
      expect(offers(fixture.sent).at(-1)).toMatchObject({ sdp: 'offer-2-restart' });
      // ICE's own word comes late and must not count as the restart failing.
      fixture.pc.emitIceState('disconnected');
      await receive(fixture, () => 0, GRACE_MS);
      expect(fixture.link.status).toBe('reconnecting');
      // ICE may never leave `connected` on the new path: the bytes say the link is back.
      fixture.pc.emitIceState('connected');
      fixture.pc.emitIceState('disconnected');
      fixture.pc.emitIceState('connected');
      await receive(fixture, () => 1_000, WATCH_MS);
      expect(fixture.link.status).toBe('connected');
    });

    it('notices a path lost within a second of connecting', async () => {
      const fixture = await watchedOfferer();
      await receive(fixture, () => 1_000, WATCH_MS);
      await receive(fixture, () => 0, 1_500);
      expect(fixture.onPathLost).toHaveBeenCalledTimes(1);
      expect(fixture.link.status).toBe('reconnecting');
    });

    it('comes back without a restart when the bytes flow again within the grace', async () => {
      const fixture = await watchedOfferer();
      await receive(fixture, () => 1_000, 3_000);
      await receive(fixture, () => 0, 1_500);
      expect(fixture.link.status).toBe('reconnecting');
      await receive(fixture, () => 1_000, WATCH_MS);
      expect(fixture.link.status).toBe('connected');
      await receive(fixture, () => 1_000, GRACE_MS * 2);
      expect(offers(fixture.sent)).toHaveLength(1);
    });

    it('raises no alarm for a peer that sends us nothing but RTCP', async () => {
      const fixture = await watchedOfferer();
      await receive(fixture, (reading) => (reading % 2 === 0 ? 80 : 0), 30_000);
      expect(fixture.onPathLost).not.toHaveBeenCalled();
      expect(fixture.link.status).toBe('connected');
      expect(offers(fixture.sent)).toHaveLength(1);
    });

    it('on the polite side checks the socket but leaves the restart to the other', async () => {
      const fixture = await watchedOfferer(true);
      await receive(fixture, () => 1_000, 3_000);
      await receive(fixture, () => 0, 1_500 + GRACE_MS * 2);
      expect(fixture.onPathLost).toHaveBeenCalledTimes(1);
      expect(fixture.link.status).toBe('reconnecting');
      expect(offers(fixture.sent)).toHaveLength(1);
    });

    it('stops reading once closed', async () => {
      const fixture = await watchedOfferer();
      fixture.link.close();
      expect(fixture.clock.pendingCount).toBe(0);
    });
  });

  describe('on the polite side', () => {
    async function politeOfferer() {
      const fixture = setup('offerer', fakeStream('audio', 'video'), { polite: true });
      fixture.link.start();
      await flushPromises();
      fixture.link.acceptAnswer('answer-1');
      await flushPromises();
      fixture.pc.emitIceState('connected');
      fixture.pc.emitIceState('disconnected');
      fixture.clock.advance(GRACE_MS);
      await flushPromises();
      return fixture;
    }

    it('leaves the restart to the other side', async () => {
      const { pc, sent, clock } = await politeOfferer();
      clock.advance(10_000);
      await flushPromises();
      expect(offers(sent)).toHaveLength(1);
      expect(pc.log).not.toContain('restart-ice');
    });

    it("answers the other side's restart and does not offer one of its own", async () => {
      const { link, pc, sent, clock } = await politeOfferer();
      link.acceptOffer('their-restart');
      await flushPromises();
      pc.emitIceState('connected');
      clock.advance(10_000);
      await flushPromises();
      expect(offers(sent)).toHaveLength(1);
      expect(sent.at(-1)).toMatchObject({ type: 'answer', sdp: 'answer-to-their-restart' });
      expect(clock.pendingCount).toBe(0);
    });

    it('on resync restarts nothing itself: the other side does', async () => {
      const { link, sent } = await politeOfferer();
      link.resync();
      await flushPromises();
      expect(offers(sent)).toHaveLength(1);
    });
  });

  it('on resync sends an offer that still waits for its answer again', async () => {
    const { link, pc, sent, clock } = await answeredOfferer();
    pc.emitIceState('connected');
    pc.emitIceState('disconnected');
    clock.advance(GRACE_MS);
    await flushPromises();
    link.resync();
    await flushPromises();
    expect(offers(sent).map((m) => m.sdp)).toEqual([
      'offer-1',
      'offer-2-restart',
      'offer-2-restart',
    ]);
  });

  it('on resync within the grace of a lost path restarts ICE now, and only once', async () => {
    const { link, pc, sent, clock } = await answeredOfferer();
    pc.emitIceState('connected');
    pc.emitIceState('disconnected');
    link.resync();
    await flushPromises();
    clock.advance(GRACE_MS * 2);
    await flushPromises();
    expect(offers(sent).map((m) => m.sdp)).toEqual(['offer-1', 'offer-2-restart']);
    expect(pc.log.filter((entry) => entry === 'restart-ice')).toHaveLength(1);
  });

  it('on resync of a connected link does nothing', async () => {
    const { link, pc, sent } = await answeredOfferer();
    await flushPromises();
    pc.emitIceState('connected');
    link.resync();
    await flushPromises();
    expect(offers(sent)).toHaveLength(1);
  });

  it('marks the peer unreachable when the restart does not connect within the window', async () => {
    const { link, pc, clock } = setup('offerer');
    pc.emitIceState('failed');
    clock.advance(WINDOW_MS - 1);
    expect(link.status).toBe('reconnecting');
    clock.advance(1);
    expect(link.status).toBe('unreachable');
  });

  it('recovers when the restart succeeds, and may restart again on a later failure', async () => {
    const { link, pc, sent, clock } = setup('offerer');
    link.start();
    await flushPromises();
    link.acceptAnswer('answer-1');
    pc.emitIceState('failed');
    await flushPromises();
    link.acceptAnswer('answer-2');
    pc.emitIceState('connected');
    expect(link.status).toBe('connected');
    expect(clock.pendingCount).toBe(0);
    pc.emitIceState('failed');
    await flushPromises();
    expect(link.status).toBe('reconnecting');
    expect(offers(sent).map((m) => m.type === 'offer' && m.sdp)).toEqual([
      'offer-1',
      'offer-2-restart',
      'offer-3-restart',
    ]);
  });

  it('shows a transient disconnection as reconnecting without restarting', async () => {
    const { link, pc, sent } = setup('offerer');
    link.start();
    pc.emitIceState('connected');
    pc.emitIceState('disconnected');
    await flushPromises();
    expect(link.status).toBe('reconnecting');
    expect(sent.map((m) => m.type)).toEqual(['offer']);
    expect(pc.log).not.toContain('restart-ice');
  });
});

describe('PeerLink as answerer', () => {
  it('never offers on its own', async () => {
    const { link, pc, sent } = setup('answerer', null);
    link.start();
    await flushPromises();
    expect(sent).toEqual([]);
    expect(pc.transceivers).toEqual([]);
  });

  it('answers an offer after applying it', async () => {
    const { link, pc, sent } = setup('answerer');
    link.acceptOffer('offer-x');
    await flushPromises();
    expect(pc.log).toEqual(['remote:offer:offer-x', 'local:answer:answer-to-offer-x']);
    expect(sent).toEqual([{ type: 'answer', targetUserId: BOB, sdp: 'answer-to-offer-x' }]);
  });

  it('holds candidates that arrive before the offer and applies them after it, in order', async () => {
    const { link, pc } = setup('answerer');
    link.addRemoteCandidate(candidate('c1'));
    link.addRemoteCandidate(candidate('c2'));
    await flushPromises();
    link.acceptOffer('offer-x');
    await flushPromises();
    expect(pc.log).toEqual([
      'remote:offer:offer-x',
      'candidate:c1',
      'candidate:c2',
      'local:answer:answer-to-offer-x',
    ]);
  });

  it('queues candidates that arrive while the offer is still being applied', async () => {
    const { link, pc } = setup('answerer');
    const release = pc.holdNextRemoteDescription();
    link.acceptOffer('offer-x');
    link.addRemoteCandidate(candidate('c1'));
    link.addRemoteCandidate(candidate('c2'));
    await flushPromises();
    expect(pc.log).toEqual([]);
    release();
    await flushPromises();
    expect(pc.log.filter((l) => !l.startsWith('local'))).toEqual([
      'remote:offer:offer-x',
      'candidate:c1',
      'candidate:c2',
    ]);
  });

  it('waits for the offerer to restart ICE, and gives up when it does not in time', () => {
    const { link, pc, sent, clock } = setup('answerer');
    pc.emitIceState('failed');
    expect(link.status).toBe('reconnecting');
    expect(sent).toEqual([]);
    clock.advance(WINDOW_MS);
    expect(link.status).toBe('unreachable');
  });

  it('restarts ICE itself once it has had an offer, and is unreachable if ICE fails after it', async () => {
    const { link, pc, sent, clock } = setup('answerer');
    link.acceptOffer('offer-1');
    await flushPromises();
    pc.emitIceState('failed');
    await flushPromises();
    expect(sent.at(-1)).toEqual({ type: 'offer', targetUserId: BOB, sdp: 'offer-1-restart' });
    link.acceptAnswer('answer-to-restart');
    pc.emitIceState('failed');
    expect(link.status).toBe('unreachable');
    expect(clock.pendingCount).toBe(1);
  });

  it('answers a restart offer of the peer like any other', async () => {
    const { link, sent } = setup('answerer');
    link.acceptOffer('offer-1');
    link.acceptOffer('offer-2-restart');
    await flushPromises();
    expect(
      sent.filter((m) => m.type === 'answer').map((m) => m.type === 'answer' && m.sdp),
    ).toEqual(['answer-to-offer-1', 'answer-to-offer-2-restart']);
  });

  it('reports the remote camera stream, and every track joining it', () => {
    const { link, pc, onChange } = setup('answerer');
    const remote = fakeStream('audio', 'video');
    pc.emitTrack(remote);
    pc.emitTrack(remote);
    expect(link.stream).toBe(remote);
    expect(link.screen).toBeNull();
    expect(onChange).toHaveBeenCalledTimes(2);
  });
});

describe('PeerLink.close', () => {
  it('closes the connection, cancels the restart window and goes silent', async () => {
    const { link, pc, sent, clock, onChange } = setup('offerer');
    pc.emitIceState('failed');
    await flushPromises();
    onChange.mockClear();
    sent.length = 0;
    link.close();
    expect(pc.closed).toBe(true);
    expect(clock.pendingCount).toBe(0);
    pc.emitCandidate(candidate('late'));
    pc.emitIceState('connected');
    link.acceptAnswer('late-answer');
    await flushPromises();
    expect(sent).toEqual([]);
    expect(onChange).not.toHaveBeenCalled();
    expect(pc.log.some((l) => l.includes('late'))).toBe(false);
  });
});

describe('PeerLink device switch', () => {
  it('sends the new camera and microphone in place of the old ones, without a new offer', async () => {
    const { link, pc, sent } = setup('offerer');
    link.start();
    await flushPromises();
    const next = fakeStream('audio', 'video');
    link.replaceLocalTracks(next);
    await flushPromises();
    expect(pc.sending).toEqual(next.getTracks());
    expect(sent.map((m) => m.type)).toEqual(['offer']);
  });

  it('sends nothing of a kind the new devices lack (that device failed), until a later switch', async () => {
    const { link, pc } = setup('offerer');
    link.replaceLocalTracks(fakeStream('audio'));
    await flushPromises();
    expect(pc.sending.map((track) => track?.kind ?? null)).toEqual(['audio', null]);
    const next = fakeStream('audio', 'video');
    link.replaceLocalTracks(next);
    await flushPromises();
    expect(pc.sending).toEqual(next.getTracks());
  });

  it('adds a kind it was not sending (joined without a camera) in the same stream, renegotiating', async () => {
    const first = fakeStream('audio');
    const { link, pc, sent } = setup('answerer', first);
    link.acceptOffer('offer-1');
    await flushPromises();
    const next = fakeStream('audio', 'video');
    link.replaceLocalTracks(next);
    await flushPromises();
    expect(pc.sending).toEqual(next.getTracks());
    // One stream id for camera and microphone: the peer plays them together.
    expect(pc.tracks.map((t) => t.stream)).toEqual([first, first]);
    expect(sent.filter((m) => m.type !== 'ice_candidate').map((m) => m.type)).toEqual([
      'answer',
      'offer',
    ]);
    link.close();
    link.replaceLocalTracks(fakeStream('audio'));
    await flushPromises();
    expect(pc.sending).toEqual(next.getTracks());
  });
});

describe('PeerLink media state (mute, camera off) over its own data channel', () => {
  it('tells the peer once the channel opens, and again on every change', () => {
    const { link, pc } = setup('offerer');
    const channel = pc.channel!;
    expect(channel).toMatchObject({ label: 'media-state', id: 0 });
    link.setLocalMediaState({ muted: true, cameraOff: false });
    expect(channel.sent).toEqual([]);
    channel.open();
    link.setLocalMediaState({ muted: true, cameraOff: true });
    expect(channel.sent.map((m) => JSON.parse(m))).toEqual([
      { muted: true, cameraOff: false, screenStreamId: null },
      { muted: true, cameraOff: true, screenStreamId: null },
    ]);
  });

  it('shows what the peer says, and ignores anything else on the channel', () => {
    const { link, pc, onChange } = setup('answerer');
    const channel = pc.channel!;
    channel.open();
    channel.receive(JSON.stringify({ muted: true, cameraOff: false }));
    expect(link.remoteMedia).toEqual({ muted: true, cameraOff: false });
    expect(onChange).toHaveBeenCalledTimes(1);
    for (const junk of [
      'not json',
      '{"muted":"yes","cameraOff":false}',
      JSON.stringify({ muted: false, cameraOff: true, pad: 'x'.repeat(600) }),
      new ArrayBuffer(4),
    ]) {
      channel.receive(junk);
    }
    expect(link.remoteMedia).toEqual({ muted: true, cameraOff: false });
    expect(onChange).toHaveBeenCalledTimes(1);
  });
});
