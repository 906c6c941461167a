import { CloseCode, Limits, type ServerMessage } from '@qual-meet/protocol';
import { flushPromises } from '../../../test-support/fake-clock';
import { MeshSession, type MeshSessionOptions } from './mesh-session';
import { candidate, fakeMeshDeps, fakeStream, iceResponse } from './test-support/mesh-fakes';

const ROOM = '00000000-0000-4000-8000-0000000000f1';
const ME = '00000000-0000-4000-8000-000000000001';
const ALICE = '00000000-0000-4000-8000-00000000000a';
const BOB = '00000000-0000-4000-8000-00000000000b';
const CAROL = '00000000-0000-4000-8000-00000000000c';

async function setup(options: Partial<MeshSessionOptions> = {}) {
  const fakes = fakeMeshDeps();
  const session = new MeshSession({
    roomId: ROOM,
    signalingUrl: 'wss://meet.test/ws',
    localStream: fakeStream('audio', 'video'),
    deps: fakes.deps,
    ...options,
  });
  await session.join();
  await flushPromises();
  return { ...fakes, session };
}

/** A session that is in the room with `existing` already there. */
async function joined(existing: { userId: string; displayName: string }[] = []) {
  const harness = await setup();
  const socket = harness.sockets.last;
  socket.authenticate(ME);
  socket.receive({
    type: 'room_joined',
    roomId: ROOM,
    existingPeers: existing.map((p) => p.userId),
    peers: existing,
  });
  return { ...harness, socket };
}

/** The room answers our join with alice in it, and alice offers. */
function joinAliceWhoOffers(socket: { receive(message: ServerMessage): void }): void {
  socket.receive({
    type: 'room_joined',
    roomId: ROOM,
    existingPeers: [ALICE],
    peers: [{ userId: ALICE, displayName: 'alice' }],
  });
  socket.receive({ type: 'offer', senderUserId: ALICE, sdp: 'offer-from-alice' });
}

const names = (session: MeshSession) =>
  session.getSnapshot().participants.map((p) => `${p.displayName}:${p.status}`);

describe('MeshSession: joining', () => {
  it('authenticates and joins while the ICE servers load, connecting to nobody before they are there', async () => {
    const fakes = fakeMeshDeps();
    let resolveIce = () => {};
    fakes.iceFetches.next = () =>
      new Promise((resolve) => {
        resolveIce = () => resolve(iceResponse());
      });
    const session = new MeshSession({
      roomId: ROOM,
      signalingUrl: 'wss://meet.test/ws',
      localStream: null,
      deps: fakes.deps,
    });
    const joining = session.join();
    await flushPromises();
    expect(session.getSnapshot().phase).toBe('connecting');
    const socket = fakes.sockets.last;
    socket.authenticate(ME);
    expect(socket.sent).toEqual([
      { type: 'auth', token: 'token-1' },
      { type: 'join_room', roomId: ROOM },
    ]);
    joinAliceWhoOffers(socket);
    await flushPromises();
    expect(fakes.pcs.created).toHaveLength(0);
    expect(session.getSnapshot()).toMatchObject({ phase: 'connecting', selfUserId: ME });

    resolveIce();
    await joining;
    await flushPromises();
    expect(session.getSnapshot().phase).toBe('joined');
    expect(fakes.pcs.last.configuration.iceServers).toEqual(iceResponse().iceServers);
    expect(socket.framesOf('answer')).toEqual([
      { type: 'answer', targetUserId: ALICE, sdp: 'answer-to-offer-from-alice' },
    ]);
  });

  it('traces the steps of its join for the set-up benchmark when given a trace', async () => {
    const fakes = fakeMeshDeps();
    const steps: string[] = [];
    const session = new MeshSession({
      roomId: ROOM,
      signalingUrl: 'wss://meet.test/ws',
      localStream: fakeStream('audio', 'video'),
      deps: { ...fakes.deps, trace: (step, peer) => steps.push(peer ? `${step} ${peer}` : step) },
    });
    await session.join();
    await flushPromises();
    const socket = fakes.sockets.last;
    socket.authenticate(ME);
    joinAliceWhoOffers(socket);
    await flushPromises();
    expect(steps).toEqual([
      'ice-servers-requested',
      'ice-servers-received',
      'socket-opened',
      'authenticated',
      'room-joined',
      `offer-received ${ALICE}`,
      `answer-sent ${ALICE}`,
    ]);
  });

  it('as the newcomer waits for offers and answers each existing peer', async () => {
    const { session, socket, pcs } = await joined([
      { userId: ALICE, displayName: 'alice' },
      { userId: BOB, displayName: 'bob' },
    ]);
    await flushPromises();
    expect(session.getSnapshot().phase).toBe('joined');
    expect(names(session)).toEqual(['alice:connecting', 'bob:connecting']);
    expect(socket.framesOf('offer')).toEqual([]);
    expect(pcs.created).toHaveLength(2);

    socket.receive({ type: 'offer', senderUserId: BOB, sdp: 'offer-from-bob' });
    await flushPromises();
    expect(socket.framesOf('answer')).toEqual([
      { type: 'answer', targetUserId: BOB, sdp: 'answer-to-offer-from-bob' },
    ]);
  });

  it('gives every connection the fetched ICE servers', async () => {
    const { pcs } = await joined([{ userId: ALICE, displayName: 'alice' }]);
    expect(pcs.last.configuration.iceServers).toEqual(iceResponse().iceServers);
    expect(pcs.last.configuration.iceTransportPolicy).toBeUndefined();
  });

  it('forces relayed candidates when asked to (the TURN test switch)', async () => {
    const harness = await setup({ iceTransportPolicy: 'relay' });
    harness.sockets.last.authenticate(ME);
    harness.sockets.last.receive({ type: 'user_joined', userId: ALICE, displayName: 'alice' });
    expect(harness.pcs.last.configuration.iceTransportPolicy).toBe('relay');
  });

  it('joins with no ICE servers when they cannot be fetched, and keeps trying', async () => {
    const fakes = fakeMeshDeps();
    fakes.iceFetches.next = () => Promise.reject(new Error('429'));
    const session = new MeshSession({
      roomId: ROOM,
      signalingUrl: 'wss://meet.test/ws',
      localStream: null,
      deps: fakes.deps,
    });
    await session.join();
    await flushPromises();
    expect(fakes.sockets.sockets).toHaveLength(1);
    fakes.iceFetches.next = async () => iceResponse();
    fakes.clock.advance(15_000);
    await flushPromises();
    expect(fakes.iceFetches.count).toBe(2);
  });
});

describe('MeshSession: others arriving and leaving', () => {
  it('offers to a newcomer and shows its tile', async () => {
    const { session, socket } = await joined([]);
    socket.receive({ type: 'user_joined', userId: CAROL, displayName: 'carol' });
    await flushPromises();
    expect(names(session)).toEqual(['carol:connecting']);
    expect(socket.framesOf('offer')).toEqual([
      { type: 'offer', targetUserId: CAROL, sdp: 'offer-1' },
    ]);
  });

  it('routes answers and candidates to the right connection', async () => {
    const { socket, pcs } = await joined([]);
    socket.receive({ type: 'user_joined', userId: ALICE, displayName: 'alice' });
    socket.receive({ type: 'user_joined', userId: BOB, displayName: 'bob' });
    await flushPromises();
    const [alicePc, bobPc] = pcs.created;
    socket.receive({ type: 'ice_candidate', senderUserId: BOB, candidate: candidate('b1') });
    socket.receive({ type: 'answer', senderUserId: BOB, sdp: 'bob-answer' });
    await flushPromises();
    expect(bobPc?.log.slice(-2)).toEqual(['remote:answer:bob-answer', 'candidate:b1']);
    expect(alicePc?.remoteDescription).toBeNull();
  });

  it('forwards local candidates to the peer they belong to', async () => {
    const { socket, pcs } = await joined([{ userId: ALICE, displayName: 'alice' }]);
    pcs.last.emitCandidate(candidate('mine'));
    expect(socket.framesOf('ice_candidate')).toEqual([
      { type: 'ice_candidate', targetUserId: ALICE, candidate: candidate('mine') },
    ]);
  });

  it('removes the tile and closes the connection when a peer leaves', async () => {
    const { session, socket, pcs } = await joined([
      { userId: ALICE, displayName: 'alice' },
      { userId: BOB, displayName: 'bob' },
    ]);
    socket.receive({ type: 'user_left', userId: ALICE });
    expect(names(session)).toEqual(['bob:connecting']);
    expect(pcs.created[0]?.closed).toBe(true);
    expect(pcs.created[1]?.closed).toBe(false);
  });

  it('replaces the connection of a peer that rejoins from another tab', async () => {
    const { session, socket, pcs } = await joined([{ userId: ALICE, displayName: 'alice' }]);
    socket.receive({ type: 'user_joined', userId: ALICE, displayName: 'alice' });
    expect(pcs.created[0]?.closed).toBe(true);
    expect(pcs.created).toHaveLength(2);
    expect(names(session)).toEqual(['alice:connecting']);
  });

  it('ignores negotiation from users that are not in the room', async () => {
    const { socket, pcs } = await joined([]);
    socket.receive({ type: 'offer', senderUserId: BOB, sdp: 'stray' });
    await flushPromises();
    expect(pcs.created).toHaveLength(0);
    expect(socket.framesOf('answer')).toEqual([]);
  });

  it('shows connection state and remote media on the tile', async () => {
    const { session, pcs } = await joined([{ userId: ALICE, displayName: 'alice' }]);
    const before = session.getSnapshot();
    const stream = fakeStream('audio', 'video');
    pcs.last.emitTrack(stream);
    pcs.last.emitIceState('connected');
    expect(session.getSnapshot()).not.toBe(before);
    expect(session.getSnapshot().participants).toEqual([
      {
        userId: ALICE,
        displayName: 'alice',
        status: 'connected',
        stream,
        muted: false,
        cameraOff: false,
        screen: null,
      },
    ]);
  });

  it('keeps the tile of an unreachable peer, saying so', async () => {
    const { session, socket, pcs } = await joined([]);
    socket.receive({ type: 'user_joined', userId: ALICE, displayName: 'alice' });
    await flushPromises();
    socket.receive({ type: 'answer', senderUserId: ALICE, sdp: 'alice-answer' });
    await flushPromises();
    pcs.last.emitIceState('failed');
    await flushPromises();
    expect(socket.framesOf('offer').map((o) => o.sdp)).toEqual(['offer-1', 'offer-2-restart']);
    pcs.last.emitIceState('failed');
    expect(names(session)).toEqual(['alice:unreachable']);
  });

  describe('when both sides offer (views crossed during reconnects)', () => {
    it('the lower user id keeps its own offer', async () => {
      const { socket, pcs } = await joined([]);
      socket.receive({ type: 'user_joined', userId: ALICE, displayName: 'alice' });
      await flushPromises();
      // ME (…01) < ALICE (…0a): we keep our offer and ignore hers.
      socket.receive({ type: 'offer', senderUserId: ALICE, sdp: 'alice-offer' });
      await flushPromises();
      expect(socket.framesOf('answer')).toEqual([]);
      expect(pcs.created).toHaveLength(1);
    });

    it('the higher user id yields: takes its offer back and answers, on the same connection', async () => {
      const harness = await setup();
      harness.sockets.last.authenticate(CAROL);
      harness.sockets.last.receive({
        type: 'room_joined',
        roomId: ROOM,
        existingPeers: [],
        peers: [],
      });
      harness.sockets.last.receive({ type: 'user_joined', userId: ALICE, displayName: 'alice' });
      await flushPromises();
      harness.sockets.last.receive({ type: 'offer', senderUserId: ALICE, sdp: 'alice-offer' });
      await flushPromises();
      expect(harness.pcs.created).toHaveLength(1);
      expect(harness.pcs.last.log).toContain('local:rollback');
      expect(harness.sockets.last.framesOf('answer')).toEqual([
        { type: 'answer', targetUserId: ALICE, sdp: 'answer-to-alice-offer' },
      ]);
    });
  });
});

describe('MeshSession: losing the connection', () => {
  it('keeps tiles while reconnecting, then rejoins and waits for fresh offers', async () => {
    const { session, socket, sockets, pcs, clock } = await joined([
      { userId: ALICE, displayName: 'alice' },
    ]);
    socket.drop(CloseCode.GOING_AWAY);
    expect(session.getSnapshot().phase).toBe('reconnecting');
    expect(names(session)).toEqual(['alice:connecting']);

    clock.advance(clock.pendingDelays()[0] ?? 0);
    await flushPromises();
    const next = sockets.last;
    expect(next).not.toBe(socket);
    next.authenticate(ME);
    expect(next.framesOf('join_room')).toEqual([{ type: 'join_room', roomId: ROOM }]);
    next.receive({
      type: 'room_joined',
      roomId: ROOM,
      existingPeers: [ALICE, BOB],
      peers: [
        { userId: ALICE, displayName: 'alice' },
        { userId: BOB, displayName: 'bob' },
      ],
    });
    expect(session.getSnapshot().phase).toBe('joined');
    expect(pcs.created[0]?.closed).toBe(true);
    expect(pcs.created).toHaveLength(3);
    expect(names(session)).toEqual(['alice:connecting', 'bob:connecting']);
    await flushPromises();
    expect(next.framesOf('offer')).toEqual([]);
  });

  it('keeps a link that still carries media when we rejoin after a lost socket', async () => {
    const { session, socket, sockets, pcs, clock } = await joined([
      { userId: ALICE, displayName: 'alice' },
      { userId: BOB, displayName: 'bob' },
    ]);
    pcs.created[0]!.emitIceState('connected');
    socket.drop();
    clock.advance(clock.pendingDelays()[0] ?? 0);
    await flushPromises();
    sockets.last.authenticate(ME);
    const alice = { userId: ALICE, displayName: 'alice' };
    const bob = { userId: BOB, displayName: 'bob' };
    sockets.last.receive({
      type: 'room_joined',
      roomId: ROOM,
      existingPeers: [ALICE, BOB],
      peers: [alice, bob],
    });
    // Alice's connection is kept; Bob's never connected, so it starts over.
    expect(pcs.created[0]?.closed).toBe(false);
    expect(pcs.created[1]?.closed).toBe(true);
    expect(pcs.created).toHaveLength(3);
    expect(names(session)).toEqual(['alice:connected', 'bob:connecting']);
  });

  it('keeps the link of a peer whose socket moved (user_left then user_joined at once)', async () => {
    const { session, socket, pcs, clock } = await joined([{ userId: ALICE, displayName: 'alice' }]);
    pcs.last.emitIceState('connected');
    socket.receive({ type: 'user_left', userId: ALICE });
    socket.receive({ type: 'user_joined', userId: ALICE, displayName: 'alice' });
    clock.advance(1_000);
    expect(pcs.created).toHaveLength(1);
    expect(pcs.created[0]?.closed).toBe(false);
    expect(names(session)).toEqual(['alice:connected']);
    expect(socket.framesOf('offer')).toEqual([]);
  });

  it('removes a peer that left at once when its end closed, or after the grace when it stays silent', async () => {
    const { session, socket, pcs, clock } = await joined([
      { userId: ALICE, displayName: 'alice' },
      { userId: BOB, displayName: 'bob' },
    ]);
    for (const pc of pcs.created) pc.emitIceState('connected');
    socket.receive({ type: 'user_left', userId: ALICE });
    socket.receive({ type: 'user_left', userId: BOB });
    expect(names(session)).toEqual(['alice:connected', 'bob:connected']);
    pcs.created[0]!.channel!.remoteClose();
    expect(names(session)).toEqual(['bob:connected']);
    clock.advance(10_000);
    expect(names(session)).toEqual([]);
    expect(pcs.created.every((pc) => pc.closed)).toBe(true);
  });

  it('offers itself when the offer it waits for after joining never comes', async () => {
    const { socket, pcs, clock } = await joined([{ userId: ALICE, displayName: 'alice' }]);
    expect(socket.framesOf('offer')).toEqual([]);
    clock.advance(5_000);
    await flushPromises();
    expect(pcs.created).toHaveLength(2);
    expect(pcs.created[0]?.closed).toBe(true);
    expect(socket.framesOf('offer')).toHaveLength(1);
  });

  it('starts over with a peer that offers from a new connection to a link we kept', async () => {
    const { socket, pcs } = await joined([]);
    socket.receive({ type: 'user_joined', userId: ALICE, displayName: 'alice' });
    await flushPromises();
    socket.receive({
      type: 'answer',
      senderUserId: ALICE,
      sdp: 'v=0\r\na=fingerprint:sha-256 AA\r\n',
    });
    await flushPromises();
    pcs.last.emitIceState('connected');
    socket.receive({
      type: 'offer',
      senderUserId: ALICE,
      sdp: 'v=0\r\na=fingerprint:sha-256 BB\r\n',
    });
    await flushPromises();
    expect(pcs.created).toHaveLength(2);
    expect(pcs.created[0]?.closed).toBe(true);
    expect(socket.framesOf('answer')).toHaveLength(1);
  });

  it('drops tiles of peers who left while we were away', async () => {
    const { session, socket, sockets, clock } = await joined([
      { userId: ALICE, displayName: 'alice' },
    ]);
    socket.drop();
    clock.advance(clock.pendingDelays()[0] ?? 0);
    await flushPromises();
    sockets.last.authenticate(ME);
    sockets.last.receive({ type: 'room_joined', roomId: ROOM, existingPeers: [], peers: [] });
    expect(session.getSnapshot().participants).toEqual([]);
  });

  it('fails as replaced when another tab joins (4409), with nothing left running', async () => {
    const { session, socket, pcs, clock } = await joined([{ userId: ALICE, displayName: 'alice' }]);
    socket.drop(CloseCode.REPLACED);
    expect(session.getSnapshot()).toMatchObject({
      phase: 'failed',
      failure: 'replaced',
      participants: [],
    });
    expect(pcs.last.closed).toBe(true);
    expect(clock.pendingCount).toBe(0);
  });

  it('fails as unauthorized when the token cannot be renewed', async () => {
    const { session, socket, auth } = await joined([]);
    auth.nextToken = null;
    socket.drop(CloseCode.UNAUTHORIZED);
    await flushPromises();
    expect(session.getSnapshot()).toMatchObject({ phase: 'failed', failure: 'unauthorized' });
  });
});

describe('MeshSession: resuming after our network changed', () => {
  const TOKEN_1 = 'a'.repeat(Limits.resumeTokenChars);
  const TOKEN_2 = 'b'.repeat(Limits.resumeTokenChars);
  /** The server's answer to our resume: Bob kept us, here is the next token. */
  const resumedWithBob = {
    type: 'room_joined',
    roomId: ROOM,
    existingPeers: [BOB],
    peers: [{ userId: BOB, displayName: 'bob' }],
    resumeToken: TOKEN_2,
    resumed: true,
  } as const;

  /** In a call with Bob (we offered, he answered), our room_joined having given TOKEN_1. */
  async function inCall() {
    const harness = await setup();
    const socket = harness.sockets.last;
    socket.authenticate(ME);
    socket.receive({
      type: 'room_joined',
      roomId: ROOM,
      existingPeers: [],
      peers: [],
      resumeToken: TOKEN_1,
      resumed: false,
    });
    socket.receive({ type: 'user_joined', userId: BOB, displayName: 'bob' });
    await flushPromises();
    socket.receive({ type: 'answer', senderUserId: BOB, sdp: 'bob-answer' });
    await flushPromises();
    const pc = harness.pcs.last;
    pc.emitIceState('connected');
    return { ...harness, socket, pc };
  }

  it('asks the socket for a heartbeat when ICE loses its path, and takes it for dead without an answer', async () => {
    const { socket, sockets, pc, clock, session } = await inCall();
    socket.answerHeartbeats = false;
    pc.emitIceState('disconnected');
    expect(socket.framesOf('heartbeat')).toHaveLength(1);
    clock.advance(999);
    expect(socket.closedWith).toBeNull();
    clock.advance(1);
    expect(socket.closedWith?.code).toBe(4000);
    expect(session.getSnapshot().phase).toBe('reconnecting');
    await flushPromises();
    expect(sockets.sockets).toHaveLength(2);
  });

  it('takes its seat back with the token, keeps the connection and sends its restart offer again', async () => {
    const { socket, sockets, pc, pcs, clock, session } = await inCall();
    socket.answerHeartbeats = false;
    pc.emitIceState('disconnected');
    // A second later the socket counts as dead and the link restarts ICE: that offer has no
    // socket to go through (or went into the dead one).
    clock.advance(1_000);
    await flushPromises();
    expect(pc.signalingState).toBe('have-local-offer');
    const next = sockets.last;
    next.authenticate(ME);
    expect(next.framesOf('join_room')).toEqual([
      { type: 'join_room', roomId: ROOM, resume: TOKEN_1 },
    ]);
    next.receive(resumedWithBob);
    await flushPromises();
    expect(session.getSnapshot().phase).toBe('joined');
    expect(pcs.created).toEqual([pc]);
    expect(pc.closed).toBe(false);
    expect(next.framesOf('offer')).toEqual([
      { type: 'offer', targetUserId: BOB, sdp: 'offer-2-restart' },
    ]);
    expect(names(session)).toEqual(['bob:reconnecting']);

    // The next loss presents the newer token.
    next.drop(1006);
    clock.advance(clock.pendingDelays()[0] ?? 0);
    await flushPromises();
    sockets.last.authenticate(ME);
    expect(sockets.last.framesOf('join_room')).toEqual([
      { type: 'join_room', roomId: ROOM, resume: TOKEN_2 },
    ]);
  });

  it('restarts ICE on a resumed join when the link is down and no offer is waiting', async () => {
    const { socket, sockets, pc, clock } = await inCall();
    pc.emitIceState('disconnected');
    socket.drop(1006);
    clock.advance(clock.pendingDelays()[0] ?? 0);
    await flushPromises();
    const next = sockets.last;
    next.authenticate(ME);
    next.receive(resumedWithBob);
    await flushPromises();
    expect(next.framesOf('offer')).toEqual([
      { type: 'offer', targetUserId: BOB, sdp: 'offer-2-restart' },
    ]);
  });

  it('on user_resumed sends the offer that still waits for its answer again', async () => {
    const { socket, pc, clock, session } = await inCall();
    pc.emitIceState('disconnected');
    clock.advance(1_000);
    await flushPromises();
    expect(socket.framesOf('offer')).toHaveLength(2);
    socket.receive({ type: 'user_resumed', userId: BOB });
    await flushPromises();
    expect(socket.framesOf('offer').at(-1)).toEqual({
      type: 'offer',
      targetUserId: BOB,
      sdp: 'offer-2-restart',
    });
    expect(socket.framesOf('offer')).toHaveLength(3);
    expect(names(session)).toEqual(['bob:reconnecting']);
  });

  it('on user_resumed leaves a connected link alone', async () => {
    const { socket } = await inCall();
    socket.receive({ type: 'user_resumed', userId: BOB });
    await flushPromises();
    expect(socket.framesOf('offer')).toHaveLength(1);
  });
});

describe('MeshSession: the room refusing or ending', () => {
  it.each([
    ['room_full', { phase: 'failed', failure: 'room_full' }],
    ['room_not_found', { phase: 'failed', failure: 'room_not_found' }],
    ['room_inactive', { phase: 'ended', failure: null }],
  ] as const)('%s ends the session', async (code, expected) => {
    const { session, sockets, clock } = await setup();
    sockets.last.authenticate(ME);
    sockets.last.receive({ type: 'error', code, message: 'no' });
    expect(session.getSnapshot()).toMatchObject(expected);
    expect(sockets.last.closedWith?.code).toBe(1000);
    expect(clock.pendingCount).toBe(0);
  });

  it('ignores errors about a single frame', async () => {
    const { session, socket } = await joined([]);
    socket.receive({ type: 'error', code: 'peer_not_found', message: 'gone' });
    expect(session.getSnapshot().phase).toBe('joined');
  });

  it('ends for everyone when the host ends the meeting', async () => {
    const { session, socket, pcs, clock } = await joined([
      { userId: ALICE, displayName: 'alice' },
      { userId: BOB, displayName: 'bob' },
    ]);
    socket.receive({ type: 'room_ended', roomId: ROOM });
    expect(session.getSnapshot()).toMatchObject({ phase: 'ended', participants: [] });
    expect(pcs.created.every((pc) => pc.closed)).toBe(true);
    expect(clock.pendingCount).toBe(0);
  });
});

describe('MeshSession.leave', () => {
  it('tells the server, closes everything and clears every timer it started', async () => {
    const { session, socket, pcs, clock } = await joined([{ userId: ALICE, displayName: 'alice' }]);
    socket.receive({ type: 'user_joined', userId: BOB, displayName: 'bob' });
    await flushPromises();
    pcs.last.emitIceState('failed');
    await flushPromises();
    // heartbeat + ICE credential refresh + Alice's wait for an offer + Bob's restart window
    // + Bob's restart offer awaiting its answer + the call-quality loop.
    expect(clock.pendingCount).toBe(6);

    const seen = jest.fn();
    session.subscribe(seen);
    session.leave();
    expect(socket.sent.at(-1)).toEqual({ type: 'leave_room' });
    expect(socket.closedWith).toEqual({ code: 1000, reason: 'leaving' });
    expect(pcs.created.every((pc) => pc.closed)).toBe(true);
    expect(clock.pendingCount).toBe(0);
    expect(session.getSnapshot()).toMatchObject({ phase: 'left', participants: [] });
    expect(seen).toHaveBeenCalledTimes(1);

    socket.receive({ type: 'user_joined', userId: CAROL, displayName: 'carol' });
    clock.advance(Limits.heartbeatIntervalMs * 10);
    expect(session.getSnapshot().participants).toEqual([]);
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('cancels a pending reconnect', async () => {
    const { session, socket, sockets, clock } = await joined([]);
    socket.drop();
    expect(clock.pendingCount).toBeGreaterThan(0);
    session.leave();
    expect(clock.pendingCount).toBe(0);
    clock.advance(60_000);
    await flushPromises();
    expect(sockets.sockets).toHaveLength(1);
  });

  it('opens nothing when left while ICE servers were still loading', async () => {
    const fakes = fakeMeshDeps();
    const session = new MeshSession({
      roomId: ROOM,
      signalingUrl: 'wss://meet.test/ws',
      localStream: null,
      deps: fakes.deps,
    });
    const joining = session.join();
    session.leave();
    await joining;
    await flushPromises();
    expect(fakes.sockets.sockets.every((socket) => socket.closedWith !== null)).toBe(true);
    expect(fakes.pcs.created).toHaveLength(0);
    expect(fakes.clock.pendingCount).toBe(0);
  });

  it('can end the meeting for the host without a separate leave', async () => {
    const { session, socket } = await joined([]);
    session.leave('ended');
    expect(socket.framesOf('leave_room')).toEqual([]);
    expect(session.getSnapshot().phase).toBe('ended');
  });
});

describe('MeshSession: TURN credentials', () => {
  it('refetches ICE servers before their ttl runs out and hands them to open connections', async () => {
    const { socket, pcs, clock, iceFetches } = await joined([
      { userId: ALICE, displayName: 'alice' },
    ]);
    iceFetches.next = async () => iceResponse(600, 'b');
    clock.advance(600_000 * 0.8 - 1);
    expect(iceFetches.count).toBe(1);
    clock.advance(1);
    await flushPromises();
    expect(iceFetches.count).toBe(2);
    expect(pcs.last.configurations).toEqual([{ iceServers: iceResponse(600, 'b').iceServers }]);
    socket.receive({ type: 'user_joined', userId: BOB, displayName: 'bob' });
    expect(pcs.last.configuration.iceServers).toEqual(iceResponse(600, 'b').iceServers);
  });
});

describe('MeshSession: an ICE restart after the TURN credentials expired', () => {
  it('restarts ICE with the credentials refetched before the first ones expired', async () => {
    const fakes = fakeMeshDeps();
    // Short-lived credentials (as TURN_TTL_SECONDS=20 would issue): `a` expires at 20 s.
    fakes.iceFetches.next = async () => iceResponse(20, 'a');
    const session = new MeshSession({
      roomId: ROOM,
      signalingUrl: 'wss://meet.test/ws',
      localStream: fakeStream('audio', 'video'),
      deps: fakes.deps,
    });
    await session.join();
    await flushPromises();
    const socket = fakes.sockets.last;
    socket.authenticate(ME);
    socket.receive({ type: 'room_joined', roomId: ROOM, existingPeers: [], peers: [] });
    socket.receive({ type: 'user_joined', userId: BOB, displayName: 'bob' });
    await flushPromises();
    socket.receive({ type: 'answer', senderUserId: BOB, sdp: 'bob-answer' });
    await flushPromises();
    const pc = fakes.pcs.last;
    pc.emitIceState('connected');
    expect(pc.configuration.iceServers).toEqual(iceResponse(20, 'a').iceServers);

    fakes.iceFetches.next = async () => iceResponse(20, 'b');
    // Past the first credentials' expiry, the address changes.
    fakes.clock.advance(21_000);
    await flushPromises();
    pc.emitIceState('disconnected');
    fakes.clock.advance(1_000);
    await flushPromises();
    expect(fakes.iceFetches.count).toBe(2);
    expect(pc.configurations.at(-1)).toEqual({ iceServers: iceResponse(20, 'b').iceServers });
    const restartAt = pc.log.indexOf('restart-ice');
    expect(restartAt).toBeGreaterThanOrEqual(0);
    expect(socket.framesOf('offer').at(-1)?.sdp).toBe('offer-2-restart');
  });
});

describe('MeshSession: server unreachable from the start', () => {
  it('reports reconnecting while it retries the first connection', async () => {
    const { session, sockets } = await setup();
    sockets.last.drop(1006);
    expect(session.getSnapshot().phase).toBe('reconnecting');
  });
});

describe('MeshSession: switching devices mid-call', () => {
  it('sends the new tracks on every connection, and starts later connections with them', async () => {
    const { session, socket, pcs } = await joined([
      { userId: ALICE, displayName: 'alice' },
      { userId: BOB, displayName: 'bob' },
    ]);
    const next = fakeStream('audio', 'video');
    session.replaceLocalStream(next);
    await flushPromises();
    for (const pc of pcs.created) expect(pc.sending).toEqual(next.getTracks());

    socket.receive({ type: 'user_joined', userId: CAROL, displayName: 'carol' });
    expect(pcs.last.tracks.map((t) => t.stream)).toEqual([next, next]);
    // No renegotiation: the only offer is the one to the newcomer.
    await flushPromises();
    expect(socket.framesOf('offer').map((f) => f.targetUserId)).toEqual([CAROL]);
  });

  it('ignores a new stream once the session is over', async () => {
    const { session, pcs } = await joined([{ userId: ALICE, displayName: 'alice' }]);
    const before = [...pcs.last.sending];
    session.leave();
    session.replaceLocalStream(fakeStream('audio', 'video'));
    await flushPromises();
    expect(pcs.last.sending).toEqual(before);
  });
});

describe('MeshSession: mute and camera off', () => {
  it('tells every participant, and shows what each tells us', async () => {
    const { session, pcs } = await joined([
      { userId: ALICE, displayName: 'alice' },
      { userId: BOB, displayName: 'bob' },
    ]);
    for (const pc of pcs.created) pc.channel!.open();
    session.setLocalMediaState({ muted: true, cameraOff: false });
    for (const pc of pcs.created) {
      expect(pc.channel!.sent.map((m) => JSON.parse(m))).toEqual([
        { muted: false, cameraOff: false, screenStreamId: null },
        { muted: true, cameraOff: false, screenStreamId: null },
      ]);
    }
    pcs.created[1]!.channel!.receive(JSON.stringify({ muted: false, cameraOff: true }));
    expect(
      session.getSnapshot().participants.map((p) => [p.displayName, p.muted, p.cameraOff]),
    ).toEqual([
      ['alice', false, false],
      ['bob', false, true],
    ]);
  });
});

describe('MeshSession: screen share', () => {
  it('sends the screen to everyone, to a late joiner too, and stops it everywhere', async () => {
    const { session, socket, pcs } = await joined([{ userId: ALICE, displayName: 'alice' }]);
    const screen = fakeStream('video', 'audio');
    session.setScreenStream(screen);
    expect(pcs.last.tracks.filter((t) => t.stream === screen)).toHaveLength(2);

    socket.receive({ type: 'user_joined', userId: BOB, displayName: 'bob' });
    await flushPromises();
    const bobPc = pcs.last;
    expect(bobPc.tracks.map((t) => t.stream)).toEqual([
      expect.anything(),
      expect.anything(),
      screen,
      screen,
    ]);
    expect(bobPc.tracks[0]?.stream).not.toBe(screen);

    session.setScreenStream(null);
    for (const pc of pcs.created) {
      expect(pc.log.filter((l) => l.startsWith('remove-track'))).toHaveLength(2);
    }
  });

  it('shows a participant’s screen apart from their camera once they say which stream it is', async () => {
    const { session, pcs } = await joined([{ userId: ALICE, displayName: 'alice' }]);
    const camera = fakeStream('audio', 'video');
    const screen = fakeStream('video');
    pcs.last.emitTrack(camera);
    pcs.last.emitTrack(screen);
    pcs.last.channel!.open();
    pcs.last.channel!.receive(
      JSON.stringify({ muted: false, cameraOff: false, screenStreamId: screen.id }),
    );
    const [alice] = session.getSnapshot().participants;
    expect(alice?.stream).toBe(camera);
    expect(alice?.screen).toBe(screen);

    pcs.last.channel!.receive(
      JSON.stringify({ muted: false, cameraOff: false, screenStreamId: null }),
    );
    expect(session.getSnapshot().participants[0]?.screen).toBeNull();
    expect(session.getSnapshot().participants[0]?.stream).toBe(camera);
  });
});

describe('MeshSession: names that cannot pass for someone else’s', () => {
  it('adds the domain of participants from another domain than ours', async () => {
    const harness = await setup({ selfDomain: 'company.example' });
    const socket = harness.sockets.last;
    socket.authenticate(ME);
    socket.receive({
      type: 'room_joined',
      roomId: ROOM,
      existingPeers: [ALICE, BOB],
      peers: [
        { userId: ALICE, displayName: 'alice', domain: 'company.example' },
        { userId: BOB, displayName: 'alice', domain: 'evil.example' },
      ],
    });
    socket.receive({
      type: 'user_joined',
      userId: CAROL,
      displayName: 'carol',
      domain: 'elsewhere.example',
    });
    expect(harness.session.getSnapshot().participants.map((p) => p.displayName)).toEqual([
      'alice',
      'alice (evil.example)',
      'carol (elsewhere.example)',
    ]);
  });

  it('names chat senders the same way', async () => {
    const harness = await setup({ selfDomain: 'company.example' });
    const socket = harness.sockets.last;
    socket.authenticate(ME);
    socket.receive({ type: 'room_joined', roomId: ROOM, existingPeers: [], peers: [] });
    for (const [userId, domain] of [
      [ALICE, 'company.example'],
      [BOB, 'evil.example'],
    ] as const) {
      socket.receive({
        type: 'chat',
        senderUserId: userId,
        displayName: 'alice',
        domain,
        text: 'hi',
        sentAt: 1,
      });
    }
    expect(harness.session.features.getSnapshot().chat.map((m) => m.displayName)).toEqual([
      'alice',
      'alice (evil.example)',
    ]);
  });
});
