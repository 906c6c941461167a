import { randomUUID } from 'node:crypto';
import { CloseCode, type Room } from '@qual-meet/protocol';
import { eventually, generateTestKeyPair } from '@qual-meet/testing';
import { encodeMemberEvent } from './bus-events';
import type { InMemoryMembershipStore } from './membership/in-memory-membership-store';
import type { JoinOutcome, JoinRequest } from './membership/membership-store';
import { createSignalingMetrics, RELAY_LATENCY_SAMPLING, type SignalingMetrics } from './metrics';
import type { InMemoryBusHub } from './room-bus';
import type { SignalingNode, SignalingNodeOptions } from './signaling-node';
import { FakeSocket } from './test-support/fake-socket';
import { testUser, type TestUser } from './test-support/fixtures';
import { InMemoryNodes } from './test-support/in-memory-nodes';

// The room logic on fake sockets, an in-memory bus and an in-memory membership store: two
// nodes in one process, no network. The same behaviour is checked on Redis by the int-specs.
const keys = generateTestKeyPair();

let cluster: InMemoryNodes;
let hub: InMemoryBusHub;
let store: InMemoryMembershipStore;

beforeEach(() => {
  cluster = new InMemoryNodes(keys);
  ({ hub, store } = cluster);
});

afterEach(() => cluster.shutdown());

const room = (overrides: Partial<Room> = {}) => cluster.room(overrides);
const startNode = (overrides: Partial<SignalingNodeOptions> = {}) => cluster.startNode(overrides);
const signIn = (node: SignalingNode, user?: TestUser) => cluster.signIn(node, user);
const joined = (node: SignalingNode, roomId: string, user?: TestUser) =>
  cluster.joined(node, roomId, user);

describe('SignalingNode', () => {
  it('gives the joiner the existing peers and the others a user_joined, across nodes', async () => {
    const [one, two] = [await startNode(), await startNode()];
    const { id, hostId } = room();
    const a = await joined(one, id);
    const b = await joined(two, id);
    expect(b.frame).toEqual({
      type: 'room_joined',
      roomId: id,
      existingPeers: [a.user.userId],
      peers: [{ userId: a.user.userId, displayName: a.user.displayName, domain: 'example.com' }],
      hostId,
      locked: false,
      hands: [],
      resumeToken: expect.stringMatching(/^[\w-]{32}$/) as unknown,
      resumed: false,
    });
    expect(await a.socket.take()).toEqual({
      type: 'user_joined',
      userId: b.user.userId,
      displayName: b.user.displayName,
      domain: 'example.com',
    });
  });

  it('relays in order, locally and through the bus, stamped with the authenticated sender', async () => {
    const [one, two] = [await startNode(), await startNode()];
    const { id } = room();
    const a = await joined(one, id);
    const b = await joined(two, id);
    const c = await joined(one, id);
    for (const target of [b, c]) {
      a.socket.deliver({ type: 'offer', targetUserId: target.user.userId, sdp: 'v=0' });
      for (let i = 0; i < 5; i += 1) {
        a.socket.deliver({
          type: 'ice_candidate',
          targetUserId: target.user.userId,
          candidate: { candidate: `c${i}` },
        });
      }
    }
    for (const target of [b, c]) {
      expect(await target.socket.take('offer')).toEqual({
        type: 'offer',
        senderUserId: a.user.userId,
        sdp: 'v=0',
      });
      for (let i = 0; i < 5; i += 1) {
        expect((await target.socket.take('ice_candidate')).candidate.candidate).toBe(`c${i}`);
      }
    }
  });

  it('times one relayed frame in RELAY_LATENCY_SAMPLING per path, the first of each included', async () => {
    const [oneMetrics, twoMetrics] = [createSignalingMetrics('one'), createSignalingMetrics('two')];
    const one = await startNode({ metrics: oneMetrics });
    const two = await startNode({ metrics: twoMetrics });
    const { id } = room();
    const a = await joined(one, id);
    const local = await joined(one, id);
    const remote = await joined(two, id);
    const relayed = RELAY_LATENCY_SAMPLING + 1;
    for (const target of [local, remote]) {
      for (let i = 0; i < relayed; i += 1) {
        a.socket.deliver({ type: 'offer', targetUserId: target.user.userId, sdp: `v=${i}` });
      }
      for (let i = 0; i < relayed; i += 1) await target.socket.take('offer');
    }
    // A frame is timed by the node that delivers it: `one` the local ones, `two` the others.
    const timed = async (metrics: SignalingMetrics) =>
      (await metrics.relayLatency.get()).values
        .filter((value) => value.metricName === 'signaling_relay_latency_seconds_count')
        .map((value) => [value.labels.path, value.value]);
    expect(await timed(oneMetrics)).toEqual([['local', 2]]);
    expect(await timed(twoMetrics)).toEqual([['bus', 2]]);
  });

  it('takes no seat before it has registered: joins are closed 1013 until the store answers', async () => {
    let storeUp = false;
    // The same store, refusing this node's registration sweep until `storeUp`.
    const unregistered = new Proxy(store, {
      get(target, property) {
        if (property === 'sweepNode' && !storeUp) {
          return async () => Promise.reject(new Error('store unavailable'));
        }
        const value = Reflect.get(target, property) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const node = await startNode({ membership: unregistered });
    expect(node.registered).toBe(false);
    const { id } = room();
    const early = await signIn(node);
    early.socket.deliver({ type: 'join_room', roomId: id });
    expect(await early.socket.closed).toBe(CloseCode.TRY_AGAIN_LATER);

    storeUp = true;
    node.onStoreReconnected();
    await eventually('the node registers', async () => node.registered, Boolean);
    expect((await joined(node, id)).frame).toMatchObject({ type: 'room_joined', roomId: id });
  });

  it('answers not_in_room, peer_not_found and room_full', async () => {
    const node = await startNode();
    const small = room({ maxParticipants: 2 });
    const outsider = await signIn(node);
    outsider.socket.deliver({ type: 'answer', targetUserId: randomUUID(), sdp: 'v=0' });
    expect(await outsider.socket.take()).toMatchObject({ code: 'not_in_room' });
    const a = await joined(node, small.id);
    a.socket.deliver({ type: 'offer', targetUserId: outsider.user.userId, sdp: 'v=0' });
    expect(await a.socket.take()).toMatchObject({ code: 'peer_not_found' });
    await joined(node, small.id);
    outsider.socket.deliver({ type: 'join_room', roomId: small.id });
    expect(await outsider.socket.take()).toMatchObject({ code: 'room_full' });
    outsider.socket.deliver({ type: 'join_room', roomId: randomUUID() });
    expect(await outsider.socket.take()).toMatchObject({ code: 'room_not_found' });
  });

  it('replaces an older connection of the same user (4409) and tells the others left, then joined', async () => {
    const [one, two] = [await startNode(), await startNode()];
    const { id } = room();
    const user = testUser(keys);
    const first = await joined(one, id, user);
    const other = await joined(two, id);
    await first.socket.take('user_joined');
    await joined(two, id, user);
    expect(await first.socket.closed).toBe(CloseCode.REPLACED);
    expect(await other.socket.take()).toEqual({ type: 'user_left', userId: user.userId });
    expect(await other.socket.take()).toMatchObject({ type: 'user_joined', userId: user.userId });
    expect(store.members(id)).toHaveLength(2);
  });

  it('moves a seat silently on a resume with its current token, and only then', async () => {
    const [one, two] = [await startNode(), await startNode()];
    const { id } = room();
    const user = testUser(keys);
    const first = await joined(one, id, user);
    const other = await joined(two, id);
    await first.socket.take('user_joined');
    const again = await signIn(two, user);
    again.socket.deliver({ type: 'join_room', roomId: id, resume: first.frame.resumeToken });
    expect(await again.socket.take('room_joined')).toMatchObject({ resumed: true });
    expect(await first.socket.closed).toBe(CloseCode.REPLACED);
    expect(await other.socket.take()).toEqual({ type: 'user_resumed', userId: user.userId });
    // The spent token (and so a replay) is a plain join, which everyone sees.
    const replay = await signIn(one, user);
    replay.socket.deliver({ type: 'join_room', roomId: id, resume: first.frame.resumeToken });
    expect(await replay.socket.take('room_joined')).toMatchObject({ resumed: false });
    expect(await other.socket.take()).toEqual({ type: 'user_left', userId: user.userId });
    expect(await other.socket.take()).toMatchObject({ type: 'user_joined', userId: user.userId });
  });

  it('ignores a repeated announcement of a seat it already knows', async () => {
    const node = await startNode();
    const { id } = room();
    const a = await joined(node, id);
    const b = await joined(node, id);
    await a.socket.take('user_joined');
    const seat = store.members(id).find((m) => m.userId === b.user.userId)!;
    await hub.connect().publish(id, encodeMemberEvent('user_joined', seat));
    a.socket.deliver({ type: 'leave_room' });
    expect(await b.socket.take()).toEqual({ type: 'user_left', userId: a.user.userId });
    expect(a.socket.pending).toEqual([]);
  });

  it('holds back what reaches a joining client until its room_joined', async () => {
    const node = await startNode();
    const { id } = room();
    const a = await joined(node, id);
    // The store answers the newcomer's join late; meanwhile a hears of it and offers at once.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const join = store.join.bind(store);
    jest.spyOn(store, 'join').mockImplementationOnce(async (request: JoinRequest) => {
      const outcome: JoinOutcome = await join(request);
      await gate;
      return outcome;
    });
    const b = await signIn(node);
    b.socket.deliver({ type: 'join_room', roomId: id });
    expect(await a.socket.take('user_joined')).toMatchObject({ userId: b.user.userId });
    a.socket.deliver({ type: 'offer', targetUserId: b.user.userId, sdp: 'v=0 early' });
    release();
    expect(await b.socket.take()).toMatchObject({
      type: 'room_joined',
      existingPeers: [a.user.userId],
    });
    expect(await b.socket.take()).toEqual({
      type: 'offer',
      senderUserId: a.user.userId,
      sdp: 'v=0 early',
    });
  });

  it('ends a room: room_ended to every member, unsubscribed, no user_left', async () => {
    const [one, two] = [await startNode(), await startNode()];
    const { id } = room();
    const a = await joined(one, id);
    const b = await joined(two, id);
    await a.socket.take('user_joined');
    await hub
      .connect()
      .publish(
        id,
        JSON.stringify({ type: 'room_ended', from: 'room-service', data: { roomId: id } }),
      );
    expect(await a.socket.take()).toEqual({ type: 'room_ended', roomId: id });
    expect(await b.socket.take()).toEqual({ type: 'room_ended', roomId: id });
    expect(hub.subscribedRooms()).toEqual([]);
    expect(a.socket.pending).toEqual([]);
  });

  it('refuses a first frame that is not auth, and a socket silent past the auth timeout', async () => {
    const node = await startNode({ authTimeoutMs: 50 });
    const early = FakeSocket.open(node);
    early.deliver({ type: 'heartbeat' });
    expect(await early.take()).toMatchObject({ type: 'error', code: 'unauthorized' });
    expect(await early.closed).toBe(CloseCode.UNAUTHORIZED);
    const silentSocket = FakeSocket.open(node);
    expect(await silentSocket.closed).toBe(CloseCode.UNAUTHORIZED);
    expect(silentSocket.received).toEqual([
      { type: 'error', code: 'unauthorized', message: expect.any(String) },
    ]);
  });

  it('terminates a socket that did not answer the previous ping', async () => {
    const node = await startNode({ pingIntervalMs: 20 });
    const { socket } = await signIn(node);
    expect(await socket.closed).toBe(1006);
    expect(socket.pings).toBe(1);
  });

  it('lets go of a member whose heartbeats stopped for the presence TTL', async () => {
    const node = await startNode({ presenceTtlSeconds: 1, nodeTimeoutMs: 150 });
    const { id } = room();
    const a = await joined(node, id);
    const b = await joined(node, id);
    await a.socket.take('user_joined');
    const beating = setInterval(() => b.socket.deliver({ type: 'heartbeat' }), 100);
    try {
      expect(await a.socket.take('error', 3_000)).toMatchObject({ code: 'not_in_room' });
      expect(await b.socket.take('user_left', 3_000)).toEqual({
        type: 'user_left',
        userId: a.user.userId,
      });
    } finally {
      clearInterval(beating);
    }
    expect(store.members(id).map((m) => m.userId)).toEqual([b.user.userId]);
  });

  it('shuts down with 1001 and gives up its seats, so the other nodes hear user_left', async () => {
    const [one, two] = [await startNode(), await startNode()];
    const { id } = room();
    const stayer = await joined(one, id);
    const leaver = await joined(two, id);
    await stayer.socket.take('user_joined');
    await two.shutdown();
    expect(await leaver.socket.closed).toBe(CloseCode.GOING_AWAY);
    expect(await stayer.socket.take()).toEqual({ type: 'user_left', userId: leaver.user.userId });
    expect(two.accepting).toBe(false);
    expect(store.members(id).map((m) => m.userId)).toEqual([stayer.user.userId]);
  });
});
