import type { TargetedClientMessage } from '@qual-meet/protocol';
import { FakeClock, flushPromises } from '../../../test-support/fake-clock';
import { PeerLink, type NegotiationRole } from './peer-link';
import {
  FakePeerConnectionFactory,
  fakeStream,
  type FakePeerConnection,
} from './test-support/mesh-fakes';

const ALICE = '00000000-0000-4000-8000-00000000000a';
const BOB = '00000000-0000-4000-8000-00000000000b';

interface Side {
  link: PeerLink;
  pc: FakePeerConnection;
  /** Frames this side sent that the other has not received yet. */
  outbox: TargetedClientMessage[];
  /** How many of this side's data-channel messages the other has received. */
  channelDelivered: number;
}

/**
 * Two links talking to each other over a signaling channel the test delivers by hand, so it can
 * let both sides offer before either hears from the other. Bob (the higher id) is polite.
 */
function pair(
  options: {
    alice?: { role?: NegotiationRole; stream?: MediaStream | null; screen?: MediaStream | null };
    bob?: { role?: NegotiationRole; stream?: MediaStream | null };
  } = {},
) {
  const clock = new FakeClock();
  const make = (
    self: string,
    remote: string,
    role: NegotiationRole,
    stream: MediaStream | null,
    screen: MediaStream | null,
  ): Side => {
    const pcs = new FakePeerConnectionFactory(self === ALICE ? 'alice' : 'bob');
    const outbox: TargetedClientMessage[] = [];
    const link = new PeerLink({
      remoteUserId: remote,
      role,
      polite: self > remote,
      configuration: {},
      localStream: stream,
      screenStream: screen,
      localMediaState: { muted: false, cameraOff: false },
      createPeerConnection: pcs.create,
      timers: clock,
      signal: (m) => outbox.push(m),
      onChange: () => undefined,
      restartWindowMs: 15_000,
    });
    return { link, pc: pcs.last, outbox, channelDelivered: 0 };
  };
  const alice = make(
    ALICE,
    BOB,
    options.alice?.role ?? 'offerer',
    options.alice?.stream === undefined ? fakeStream('audio', 'video') : options.alice.stream,
    options.alice?.screen ?? null,
  );
  const bob = make(
    BOB,
    ALICE,
    options.bob?.role ?? 'answerer',
    options.bob?.stream === undefined ? fakeStream('audio', 'video') : options.bob.stream,
    null,
  );
  const receive = (to: Side, frame: TargetedClientMessage) => {
    if (frame.type === 'offer') to.link.acceptOffer(frame.sdp);
    else if (frame.type === 'answer') to.link.acceptAnswer(frame.sdp);
    else to.link.addRemoteCandidate(frame.candidate);
  };
  /** The media-state channel's messages from `from` that `to` has not received yet. */
  const carryChannel = (from: Side, to: Side): boolean => {
    const sent = from.pc.channel?.sent ?? [];
    const fresh = sent.slice(from.channelDelivered);
    from.channelDelivered = sent.length;
    for (const data of fresh) to.pc.channel?.receive(data);
    return fresh.length > 0;
  };
  /**
   * Delivers whatever each side sent, both ways (signaling, and the data channel once the test
   * opened it), until nothing more is said.
   */
  const settle = async () => {
    await flushPromises();
    for (let round = 0; round < 20; round += 1) {
      const toBob = alice.outbox.splice(0);
      const toAlice = bob.outbox.splice(0);
      for (const frame of toBob) receive(bob, frame);
      for (const frame of toAlice) receive(alice, frame);
      const carried = [carryChannel(alice, bob), carryChannel(bob, alice)].some(Boolean);
      if (!toBob.length && !toAlice.length && !carried) break;
      await flushPromises();
    }
  };
  const start = async () => {
    alice.link.start();
    bob.link.start();
    await settle();
    // The connection is up: the data channel opens on both sides.
    alice.pc.channel?.open();
    bob.pc.channel?.open();
    await settle();
  };
  return { alice, bob, settle, start, clock };
}

const trackIds = (stream: MediaStream) =>
  stream.getTracks().map((track) => (track as unknown as { id: string }).id);
const offers = (side: Side) => side.outbox.filter((m) => m.type === 'offer').length;
const offersMade = (side: Side) => side.pc.log.filter((l) => /^local:offer/.test(l)).length;
const offerRequests = (side: Side) =>
  (side.pc.channel?.sent ?? []).filter((data) => data.includes('"offer_request"')).length;

describe('renegotiation between two links (perfect negotiation)', () => {
  it('keeps the first-offer rule: only the member already there offers first', async () => {
    const { alice, bob, settle } = pair();
    alice.link.start();
    bob.link.start();
    await flushPromises();
    expect(offers(alice)).toBe(1);
    expect(offers(bob)).toBe(0);
    await settle();
    expect([alice.pc.signalingState, bob.pc.signalingState]).toEqual(['stable', 'stable']);
    expect(bob.link.stream?.id).toBe(alice.pc.tracks[0]?.stream.id);
    expect(alice.link.stream?.id).toBe(bob.pc.tracks[0]?.stream.id);
  });

  it('sends a camera the polite newcomer turns on after joining without one (it asks for an offer)', async () => {
    const { alice, bob, start, settle } = pair({ bob: { stream: fakeStream('audio') } });
    await start();
    expect(alice.pc.remoteTrackIds).toHaveLength(1);
    const aliceOffers = offersMade(alice);

    const withCamera = fakeStream('audio', 'video');
    bob.link.replaceLocalTracks(withCamera);
    await flushPromises();
    expect(offers(bob)).toBe(0);
    expect(offerRequests(bob)).toBe(1);
    await settle();
    expect(offersMade(alice)).toBe(aliceOffers + 1);
    // The microphone switched in place (same remote track); the camera is new.
    expect(alice.pc.remoteTrackIds).toHaveLength(2);
    expect(alice.pc.remoteTrackIds).toContain(trackIds(withCamera)[1]);
    expect([alice.pc.signalingState, bob.pc.signalingState]).toEqual(['stable', 'stable']);
    expect(bob.link.status).not.toBe('unreachable');
  });

  it('starts and stops a screen share, which the peer tells apart from the camera', async () => {
    const { alice, bob, start, settle } = pair();
    await start();
    const camera = alice.link.stream;

    const screen = fakeStream('video', 'audio');
    bob.link.setScreen(screen);
    await settle();
    // The peer learns the screen's stream id on the data channel.
    expect(alice.link.screen?.id).toBe(screen.id);
    expect(alice.link.stream).toBe(camera ?? alice.link.stream);
    expect(alice.link.stream?.id).not.toBe(screen.id);
    expect(alice.pc.remoteTrackIds).toEqual(expect.arrayContaining(trackIds(screen)));

    bob.link.setScreen(null);
    await settle();
    expect(alice.link.screen).toBeNull();
    expect(alice.link.stream?.id).toBe(bob.pc.tracks[0]?.stream.id);
    expect(alice.pc.remoteTrackIds).not.toEqual(expect.arrayContaining(trackIds(screen)));
    expect(bob.pc.log).toEqual(
      expect.arrayContaining(['remove-track:video', 'remove-track:audio']),
    );
  });

  it('gives a late joiner the share that is running, in the first offer', async () => {
    const screen = fakeStream('video');
    const { alice, bob, start } = pair({ alice: { screen } });
    await start();
    expect(offers(alice) + offers(bob)).toBe(0);
    expect(bob.pc.remoteTrackIds).toEqual(expect.arrayContaining(trackIds(screen)));
    expect(bob.pc.log.filter((l) => l.startsWith('remote:offer'))).toEqual([
      'remote:offer:alice-offer-1',
    ]);
  });

  describe('both sides renegotiate at once', () => {
    it('never rolls back once connected: the polite side asks, the other offers for both', async () => {
      const { alice, bob, start, settle } = pair();
      await start();
      const aliceScreen = fakeStream('video');
      const bobScreen = fakeStream('video');
      alice.link.setScreen(aliceScreen);
      bob.link.setScreen(bobScreen);
      await flushPromises();
      // Alice's offer is out; Bob asked for one instead of offering (no glare).
      expect([offers(alice), offers(bob)]).toEqual([1, 0]);
      expect(offerRequests(bob)).toBe(1);
      await settle();

      expect(bob.pc.log).not.toContain('local:rollback');
      expect(alice.pc.log).not.toContain('local:rollback');
      expect([alice.pc.signalingState, bob.pc.signalingState]).toEqual(['stable', 'stable']);
      expect(bob.pc.remoteTrackIds).toEqual(expect.arrayContaining(trackIds(aliceScreen)));
      expect(alice.pc.remoteTrackIds).toEqual(expect.arrayContaining(trackIds(bobScreen)));
      expect([alice.link.status, bob.link.status]).not.toContain('unreachable');
    });

    it('resolves crossed first offers (both believed they were there first)', async () => {
      const { alice, bob, start } = pair({ bob: { role: 'offerer' } });
      await start();
      expect(bob.pc.log).toContain('local:rollback');
      expect([alice.pc.signalingState, bob.pc.signalingState]).toEqual(['stable', 'stable']);
      expect(alice.pc.remoteTrackIds).toHaveLength(2);
      expect(bob.pc.remoteTrackIds).toHaveLength(2);
    });

    it('restarts ICE from one side when both see it fail, without getting stuck', async () => {
      const { alice, bob, start, settle } = pair();
      await start();
      alice.pc.emitIceState('failed');
      bob.pc.emitIceState('failed');
      await settle();
      expect(alice.pc.log).toContain('restart-ice');
      expect(bob.pc.log).not.toContain('restart-ice');
      expect(bob.pc.log).not.toContain('local:rollback');
      expect(bob.pc.log).toContain('remote:offer:alice-offer-2-restart');
      expect([alice.pc.signalingState, bob.pc.signalingState]).toEqual(['stable', 'stable']);
      expect([alice.link.status, bob.link.status]).toEqual(['reconnecting', 'reconnecting']);
    });
  });

  it('bounds what a peer can make us grow with requests for offers', async () => {
    const { alice, bob, start, settle } = pair();
    await start();
    for (let i = 0; i < 20; i += 1) {
      alice.pc.channel!.receive(JSON.stringify({ type: 'offer_request', audio: 4, video: 4 }));
      await settle();
    }
    const kinds = alice.pc.getTransceivers().map((t) => t.receiver.track.kind);
    expect(kinds.filter((kind) => kind === 'video')).toHaveLength(16);
    expect(kinds.filter((kind) => kind === 'audio')).toHaveLength(16);
    // The polite side never makes room or offers for a request: only the impolite one does.
    bob.pc.channel!.receive(JSON.stringify({ type: 'offer_request', audio: 1, video: 1 }));
    await settle();
    expect(bob.pc.transceivers).toEqual([]);
    expect(offers(bob)).toBe(0);
  });

  it('sends an offer again while no answer comes (it was refused or lost on the way)', async () => {
    const { alice, bob, start, settle, clock } = pair();
    await start();
    const screen = fakeStream('video');
    alice.link.setScreen(screen);
    await flushPromises();
    expect(alice.outbox.filter((m) => m.type === 'offer')).toHaveLength(1);
    alice.outbox.splice(0); // lost: signaling refused it (rate limit) or the socket was dead
    clock.advance(7_999);
    await flushPromises();
    expect(offers(alice)).toBe(0);
    clock.advance(1);
    await flushPromises();
    expect(offers(alice)).toBe(1);
    await settle();
    expect([alice.pc.signalingState, bob.pc.signalingState]).toEqual(['stable', 'stable']);
    expect(bob.pc.remoteTrackIds).toEqual(expect.arrayContaining(trackIds(screen)));
    // Answered: nothing more is sent.
    clock.advance(60_000);
    await flushPromises();
    expect(offers(alice)).toBe(0);
  });

  it('ignores a late answer to an earlier offer: its media sections differ from the pending offer', async () => {
    const { alice, start } = pair();
    await start();
    alice.link.setScreen(fakeStream('video'));
    await flushPromises();
    expect(alice.pc.signalingState).toBe('have-local-offer');
    alice.link.acceptAnswer(
      'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n',
    );
    await flushPromises();
    expect(alice.pc.signalingState).toBe('have-local-offer');
    expect(alice.link.status).not.toBe('unreachable');
  });

  it('ignores an answer it has no offer for, instead of failing the connection', async () => {
    const { alice, bob, start } = pair();
    await start();
    alice.link.acceptAnswer('answer-to-nothing');
    await flushPromises();
    expect(alice.pc.log).not.toContain('remote:answer:answer-to-nothing');
    expect(alice.link.status).not.toBe('unreachable');
    expect(bob.pc.signalingState).toBe('stable');
  });
});
