import { CloseCode, Limits } from '@qual-meet/protocol';
import { flushPromises } from '../../../test-support/fake-clock';
import { SignalingClient, type SignalingEvent } from './signaling-client';
import { fakeMeshDeps } from './test-support/mesh-fakes';

const URL = 'wss://meet.test/ws';
const ALICE = '00000000-0000-4000-8000-00000000000a';

async function setup() {
  const fakes = fakeMeshDeps();
  const events: SignalingEvent[] = [];
  const client = new SignalingClient({
    url: URL,
    deps: fakes.deps,
    onEvent: (event) => events.push(event),
  });
  client.connect();
  await flushPromises();
  return { ...fakes, client, events };
}

describe('SignalingClient', () => {
  it('authenticates with the token in the first frame, never in the URL', async () => {
    const { sockets, events } = await setup();
    const socket = sockets.last;
    expect(socket.url).toBe(URL);
    socket.open();
    expect(socket.sent).toEqual([{ type: 'auth', token: 'token-1' }]);
    socket.receive({ type: 'authenticated', userId: ALICE });
    expect(events).toEqual([{ type: 'ready', userId: ALICE, resumed: false }]);
  });

  it('sends nothing but auth before the server accepted it', async () => {
    const { sockets, client } = await setup();
    sockets.last.open();
    expect(client.send({ type: 'leave_room' })).toBe(false);
    expect(sockets.last.sent).toEqual([{ type: 'auth', token: 'token-1' }]);
  });

  it('sends a heartbeat every heartbeat interval once authenticated', async () => {
    const { sockets, clock } = await setup();
    sockets.last.authenticate(ALICE);
    clock.advance(Limits.heartbeatIntervalMs - 1);
    expect(sockets.last.framesOf('heartbeat')).toHaveLength(0);
    clock.advance(1);
    expect(sockets.last.framesOf('heartbeat')).toHaveLength(1);
    clock.advance(2 * Limits.heartbeatIntervalMs);
    expect(sockets.last.framesOf('heartbeat')).toHaveLength(3);
  });

  it('passes valid server frames on and drops invalid ones', async () => {
    const { sockets, events } = await setup();
    sockets.last.authenticate(ALICE);
    sockets.last.receive('not json');
    sockets.last.receive({ type: 'user_joined', userId: 'not-a-uuid', displayName: 'x' });
    sockets.last.receive({ type: 'teleport' });
    sockets.last.receive({ type: 'user_left', userId: ALICE });
    expect(events.slice(1)).toEqual([
      { type: 'message', message: { type: 'user_left', userId: ALICE } },
    ]);
  });

  it.each([
    ['a dropped connection', 1006],
    ['a server shutdown', CloseCode.GOING_AWAY],
  ])('reconnects after %s with backoff, and reports resumption', async (_what, code) => {
    const { sockets, clock, events } = await setup();
    sockets.last.authenticate(ALICE);
    sockets.last.drop(code);
    expect(events.at(-1)).toEqual({ type: 'connection_lost' });
    // random() = 0: half of the first 500 ms ceiling.
    expect(clock.pendingDelays()).toEqual([250]);
    clock.advance(249);
    await flushPromises();
    expect(sockets.sockets).toHaveLength(1);
    clock.advance(1);
    await flushPromises();
    expect(sockets.sockets).toHaveLength(2);
    sockets.last.authenticate(ALICE);
    expect(events.at(-1)).toEqual({ type: 'ready', userId: ALICE, resumed: true });
  });

  it('backs off further after each failed attempt and starts over once authenticated', async () => {
    const { sockets, clock } = await setup();
    const delays: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      sockets.last.drop(1006);
      delays.push(clock.pendingDelays()[0] ?? -1);
      clock.advance(delays[i] ?? 0);
      await flushPromises();
    }
    expect(delays).toEqual([250, 500, 1000]);
    sockets.last.authenticate(ALICE);
    sockets.last.drop(1006);
    expect(clock.pendingDelays()).toEqual([250]);
  });

  it('treats a socket that never authenticates as dropped', async () => {
    const { sockets, clock, events } = await setup();
    sockets.last.open();
    clock.advance(2 * Limits.authTimeoutMs);
    expect(sockets.sockets[0]?.closedWith?.code).toBe(4000);
    expect(events).toEqual([{ type: 'connection_lost' }]);
  });

  it('on 4401 refreshes the token once and reconnects at once with the new one', async () => {
    const { sockets, auth, events } = await setup();
    sockets.last.open();
    sockets.last.drop(CloseCode.UNAUTHORIZED);
    await flushPromises();
    expect(auth.refreshes).toBe(1);
    expect(sockets.sockets).toHaveLength(2);
    sockets.last.open();
    expect(sockets.last.sent[0]).toEqual({ type: 'auth', token: 'token-2' });
    expect(events).toEqual([]);
  });

  it('gives up after a second 4401 without authenticating in between', async () => {
    const { sockets, auth, clock, events } = await setup();
    sockets.last.drop(CloseCode.UNAUTHORIZED);
    await flushPromises();
    sockets.last.drop(CloseCode.UNAUTHORIZED);
    await flushPromises();
    expect(auth.refreshes).toBe(1);
    expect(events).toEqual([{ type: 'terminated', reason: 'unauthorized' }]);
    expect(clock.pendingCount).toBe(0);
  });

  it('allows a fresh refresh after the token was accepted again', async () => {
    const { sockets, auth } = await setup();
    sockets.last.drop(CloseCode.UNAUTHORIZED);
    await flushPromises();
    sockets.last.authenticate(ALICE);
    sockets.last.drop(CloseCode.UNAUTHORIZED);
    await flushPromises();
    expect(auth.refreshes).toBe(2);
    expect(sockets.sockets).toHaveLength(3);
  });

  it('gives up when the refresh is refused', async () => {
    const { sockets, auth, events } = await setup();
    auth.nextToken = null;
    sockets.last.drop(CloseCode.UNAUTHORIZED);
    await flushPromises();
    expect(events).toEqual([{ type: 'terminated', reason: 'unauthorized' }]);
    expect(sockets.sockets).toHaveLength(1);
  });

  it('refreshes before connecting when there is no token, and gives up without one', async () => {
    const fakes = fakeMeshDeps();
    fakes.auth.token = null;
    fakes.auth.nextToken = null;
    const events: SignalingEvent[] = [];
    new SignalingClient({ url: URL, deps: fakes.deps, onEvent: (e) => events.push(e) }).connect();
    await flushPromises();
    expect(fakes.auth.refreshes).toBe(1);
    expect(fakes.sockets.sockets).toHaveLength(0);
    expect(events).toEqual([{ type: 'terminated', reason: 'unauthorized' }]);
  });

  it('stops for good on 4409: another tab joined the room', async () => {
    const { sockets, clock, events } = await setup();
    sockets.last.authenticate(ALICE);
    sockets.last.drop(CloseCode.REPLACED);
    expect(events.at(-1)).toEqual({ type: 'terminated', reason: 'replaced' });
    expect(clock.pendingCount).toBe(0);
    clock.advance(60_000);
    await flushPromises();
    expect(sockets.sockets).toHaveLength(1);
  });

  it('close() closes the socket normally, clears every timer and reports nothing more', async () => {
    const { sockets, clock, client, events } = await setup();
    sockets.last.authenticate(ALICE);
    expect(clock.pendingCount).toBe(1);
    client.close();
    expect(sockets.last.closedWith).toEqual({ code: 1000, reason: 'leaving' });
    expect(clock.pendingCount).toBe(0);
    expect(client.send({ type: 'heartbeat' })).toBe(false);
    expect(events).toHaveLength(1);
  });

  it('close() during the reconnect wait cancels the reconnect', async () => {
    const { sockets, clock, client } = await setup();
    sockets.last.drop(1006);
    expect(clock.pendingCount).toBe(1);
    client.close();
    expect(clock.pendingCount).toBe(0);
    clock.advance(60_000);
    await flushPromises();
    expect(sockets.sockets).toHaveLength(1);
  });

  it('close() while a refresh is in flight opens no socket afterwards', async () => {
    const { sockets, client } = await setup();
    sockets.last.drop(CloseCode.UNAUTHORIZED);
    client.close();
    await flushPromises();
    expect(sockets.sockets).toHaveLength(1);
  });

  describe('liveness: a socket whose network went away without a close', () => {
    async function silentAfterHeartbeat() {
      const harness = await setup();
      const socket = harness.sockets.last;
      socket.authenticate(ALICE);
      socket.answerHeartbeats = false;
      harness.clock.advance(Limits.heartbeatIntervalMs);
      expect(socket.framesOf('heartbeat')).toHaveLength(1);
      return { ...harness, socket };
    }

    it('is dropped 5 s after an unanswered heartbeat, and a new one opens at once', async () => {
      const { socket, sockets, clock, events } = await silentAfterHeartbeat();
      clock.advance(4_999);
      expect(socket.closedWith).toBeNull();
      clock.advance(1);
      expect(socket.closedWith?.code).toBe(4000);
      expect(events.at(-1)).toEqual({ type: 'connection_lost' });
      await flushPromises();
      expect(sockets.sockets).toHaveLength(2);
      sockets.last.authenticate(ALICE);
      expect(events.at(-1)).toEqual({ type: 'ready', userId: ALICE, resumed: true });
    });

    it('stays while the server answers, and any frame counts as an answer', async () => {
      const { socket, sockets, clock, events } = await silentAfterHeartbeat();
      socket.receive({ type: 'heartbeat_ack' });
      clock.advance(Limits.heartbeatIntervalMs);
      socket.receive({ type: 'user_left', userId: ALICE });
      clock.advance(Limits.heartbeatIntervalMs);
      socket.receive({ type: 'heartbeat_ack' });
      clock.advance(9_000);
      expect(socket.framesOf('heartbeat')).toHaveLength(3);
      expect(socket.closedWith).toBeNull();
      expect(sockets.sockets).toHaveLength(1);
      // The answers are the client's own business: only the other frame was passed on.
      expect(events.filter((e) => e.type === 'message')).toHaveLength(1);
    });

    it('checkAlive sends a heartbeat now and drops the socket after the shorter deadline', async () => {
      const { sockets, clock, client, events } = await setup();
      const socket = sockets.last;
      socket.authenticate(ALICE);
      socket.answerHeartbeats = false;
      clock.advance(3_000);
      client.checkAlive(2_500);
      expect(socket.framesOf('heartbeat')).toHaveLength(1);
      clock.advance(2_499);
      expect(socket.closedWith).toBeNull();
      clock.advance(1);
      expect(socket.closedWith?.code).toBe(4000);
      expect(events.at(-1)).toEqual({ type: 'connection_lost' });
    });

    it('checkAlive shortens the deadline of a heartbeat that is already waiting', async () => {
      const { socket, clock, client } = await silentAfterHeartbeat();
      clock.advance(1_000);
      client.checkAlive(2_500);
      // No second heartbeat: the server would answer it only late.
      expect(socket.framesOf('heartbeat')).toHaveLength(1);
      clock.advance(1_499);
      expect(socket.closedWith).toBeNull();
      clock.advance(1);
      expect(socket.closedWith?.code).toBe(4000);
    });

    it('never sends heartbeats closer than the server answers them', async () => {
      const { socket, clock, client } = await silentAfterHeartbeat();
      socket.receive({ type: 'heartbeat_ack' });
      // Answered a moment ago: alive, nothing to ask.
      client.checkAlive(2_500);
      expect(socket.framesOf('heartbeat')).toHaveLength(1);
      clock.advance(Limits.heartbeatIntervalMs - 1_000);
      client.checkAlive(2_500);
      expect(socket.framesOf('heartbeat')).toHaveLength(2);
      socket.receive({ type: 'heartbeat_ack' });
      // The regular heartbeat a second after the check is skipped.
      clock.advance(1_000);
      expect(socket.framesOf('heartbeat')).toHaveLength(2);
      clock.advance(Limits.heartbeatIntervalMs);
      expect(socket.framesOf('heartbeat')).toHaveLength(3);
    });

    it('waits once more when its check fires late: the page was stalled, not the network', async () => {
      const { socket, sockets, clock, client } = await silentAfterHeartbeat();
      client.checkAlive(1_000);
      clock.stall(3_000);
      clock.advance(0);
      expect(socket.closedWith).toBeNull();
      // The answer was queued behind the stall.
      socket.receive({ type: 'heartbeat_ack' });
      clock.advance(2_000);
      expect(socket.closedWith).toBeNull();
      expect(sockets.sockets).toHaveLength(1);
    });

    it('gives up after the one extra wait if still nothing came', async () => {
      const { socket, clock, client } = await silentAfterHeartbeat();
      client.checkAlive(1_000);
      clock.stall(3_000);
      clock.advance(999);
      expect(socket.closedWith).toBeNull();
      clock.advance(1);
      expect(socket.closedWith?.code).toBe(4000);
    });

    it('checkAlive does nothing before the socket is authenticated', async () => {
      const { sockets, clock, client } = await setup();
      sockets.last.open();
      client.checkAlive(2_500);
      expect(sockets.last.framesOf('heartbeat')).toHaveLength(0);
      expect(clock.pendingCount).toBe(1);
    });

    it('leaves no liveness timer behind once closed', async () => {
      const { clock, client } = await silentAfterHeartbeat();
      client.close();
      expect(clock.pendingCount).toBe(0);
    });
  });

  describe('tokens on the open socket (DESIGN §4.10)', () => {
    it('sends every refreshed token on the open socket, and takes the answer as an ack', async () => {
      const { sockets, events, auth, clock } = await setup();
      const socket = sockets.last;
      socket.authenticate(ALICE);
      auth.change('token-2');
      auth.change('token-2');
      expect(socket.framesOf('auth')).toEqual([
        { type: 'auth', token: 'token-1' },
        { type: 'auth', token: 'token-2' },
      ]);
      socket.receive({ type: 'authenticated', userId: ALICE });
      // No second 'ready' (that would join the room again), and still one heartbeat timer.
      expect(events).toEqual([{ type: 'ready', userId: ALICE, resumed: false }]);
      clock.advance(Limits.heartbeatIntervalMs);
      expect(socket.framesOf('heartbeat')).toHaveLength(1);
      expect(sockets.sockets).toHaveLength(1);
    });

    it('authenticates a socket that opens after a refresh with the newest token', async () => {
      const { sockets, auth } = await setup();
      auth.change('token-3');
      sockets.last.open();
      expect(sockets.last.framesOf('auth')).toEqual([{ type: 'auth', token: 'token-3' }]);
    });

    it('closes the socket for good when the person signs out', async () => {
      const { sockets, events, auth, clock } = await setup();
      sockets.last.authenticate(ALICE);
      auth.change(null);
      expect(sockets.last.closedWith?.code).toBe(1000);
      expect(events.at(-1)).toEqual({ type: 'terminated', reason: 'unauthorized' });
      expect(auth.listeners.size).toBe(0);
      expect(clock.pendingCount).toBe(0);
    });

    it('stops listening for tokens once closed', async () => {
      const { sockets, client, auth } = await setup();
      sockets.last.authenticate(ALICE);
      client.close();
      expect(auth.listeners.size).toBe(0);
      auth.change('token-9');
      expect(sockets.last.framesOf('auth')).toHaveLength(1);
    });
  });
});
