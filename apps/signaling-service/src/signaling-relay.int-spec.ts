import { CloseCode } from '@qual-meet/protocol';
import { RedisKeys } from '@qual-meet/redis';
import { SignalingTestClient } from '@qual-meet/testing';
import { buildApp } from './app';
import { signalingConfigSchema } from './config';
import { createSignalingRedis } from './redis-clients';
import { seedRoom, startNode, testUser } from './test-support/fixtures';
import { RedisMembershipStore } from './membership/redis-membership-store';
import { useSignalingSuite } from './test-support/signaling-suite';

// Relays between peers on different nodes (and on one), and what operations read and do.
const suite = useSignalingSuite();
const { joined } = suite;

describe('relay', () => {
  it('relays offers, answers and candidates across nodes in order, from the authenticated sender', async () => {
    const room = await seedRoom(suite.redis);
    const a = await joined(suite.nodeA, room.id);
    const b = await joined(suite.nodeB, room.id);
    await a.client.take('user_joined');
    const sdp = `v=0\r\n${'a=x-filler\r\n'.repeat(340)}`; // ~4 KB, like a real offer
    const candidate = (i: number) => ({
      candidate: `candidate:${i} 1 udp 2122260223 127.0.0.1 ${50000 + i} typ host`,
      sdpMid: '0',
      sdpMLineIndex: 0,
    });

    // The existing peer offers to the newcomer, then trickles its candidates right behind.
    a.client.send({ type: 'offer', targetUserId: b.user.userId, sdp });
    for (let i = 0; i < 20; i += 1) {
      a.client.send({
        type: 'ice_candidate',
        targetUserId: b.user.userId,
        candidate: candidate(i),
      });
    }
    expect(await b.client.next()).toEqual({ type: 'offer', senderUserId: a.user.userId, sdp });
    for (let i = 0; i < 20; i += 1) {
      expect(await b.client.next()).toEqual({
        type: 'ice_candidate',
        senderUserId: a.user.userId,
        candidate: candidate(i),
      });
    }
    b.client.send({ type: 'answer', targetUserId: a.user.userId, sdp: 'v=0 answer' });
    b.client.send({ type: 'ice_candidate', targetUserId: a.user.userId, candidate: candidate(99) });
    expect(await a.client.next()).toEqual({
      type: 'answer',
      senderUserId: b.user.userId,
      sdp: 'v=0 answer',
    });
    expect(await a.client.next()).toMatchObject({
      type: 'ice_candidate',
      senderUserId: b.user.userId,
    });
  });

  it('relays between two clients on the same node too', async () => {
    const room = await seedRoom(suite.redis);
    const a = await joined(suite.nodeB, room.id);
    const b = await joined(suite.nodeB, room.id);
    await a.client.take('user_joined');
    a.client.send({ type: 'offer', targetUserId: b.user.userId, sdp: 'v=0 local' });
    expect(await b.client.next()).toEqual({
      type: 'offer',
      senderUserId: a.user.userId,
      sdp: 'v=0 local',
    });
  });

  it('refuses targets outside the sender’s room and never delivers to them', async () => {
    const [roomOne, roomTwo] = await Promise.all([seedRoom(suite.redis), seedRoom(suite.redis)]);
    const a = await joined(suite.nodeA, roomOne.id);
    const c = await joined(suite.nodeB, roomTwo.id);
    const d = await joined(suite.nodeB, roomTwo.id);
    await c.client.take('user_joined');

    for (const type of ['offer', 'answer'] as const) {
      a.client.send({ type, targetUserId: c.user.userId, sdp: 'v=0 intruder' });
      expect(await a.client.next()).toMatchObject({ type: 'error', code: 'peer_not_found' });
    }
    a.client.send({
      type: 'ice_candidate',
      targetUserId: c.user.userId,
      candidate: { candidate: 'candidate:1' },
    });
    expect(await a.client.next()).toMatchObject({ code: 'peer_not_found' });
    a.client.send({ type: 'offer', targetUserId: a.user.userId, sdp: 'v=0 self' });
    expect(await a.client.next()).toMatchObject({ code: 'peer_not_found' });

    // A marker on the same path: once c has it, anything a's frames could have caused is in.
    d.client.send({ type: 'offer', targetUserId: c.user.userId, sdp: 'v=0 marker' });
    await c.client.take('offer', (f) => f.sdp === 'v=0 marker');
    const relayed = c.client.received.filter((f) => f.type === 'offer' || f.type === 'answer');
    expect(relayed).toEqual([{ type: 'offer', senderUserId: d.user.userId, sdp: 'v=0 marker' }]);
    expect(c.client.received.some((f) => f.type === 'ice_candidate')).toBe(false);
  });
});

describe('operations', () => {
  it('starts a node only once its app is ready, on the Redis connections it was given', async () => {
    const config = signalingConfigSchema.parse({
      HOST: '127.0.0.1',
      PORT: '0',
      ...suite.env('node-f'),
    });
    const app = await buildApp(config, createSignalingRedis(config));
    try {
      expect(app.signaling.registered).toBe(false);
      expect(await suite.redis.exists(RedisKeys.nodeAlive('node-f'))).toBe(0);
      await app.ready();
      expect(app.signaling.registered).toBe(true);
      expect(await suite.redis.exists(RedisKeys.nodeAlive('node-f'))).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('serves /healthz, /readyz and Prometheus counters on /metrics', async () => {
    expect((await suite.nodeA.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await suite.nodeA.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { redis: 'up', registered: 'up' } });

    const metrics = await suite.nodeA.app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    for (const series of [
      'signaling_connections{node="node-a"}',
      'signaling_rooms{node="node-a"}',
      'signaling_frames_in_total{type="auth",node="node-a"}',
      'signaling_frames_out_total{type="authenticated",node="node-a"}',
      'signaling_errors_total{code="room_full",node="node-a"}',
      'signaling_relay_latency_seconds_bucket{le="0.001",node="node-a",path="bus"}',
      'signaling_process_resident_memory_bytes',
    ]) {
      expect(metrics.body).toContain(series);
    }
  });

  it('clears, when it starts, the seats a previous run under its node id left', async () => {
    const room = await seedRoom(suite.redis);
    const stayer = await joined(suite.nodeA, room.id);
    // A seat of `node-e`'s previous run (killed before it could give it back), presence and all.
    const ghost = testUser(suite.keys);
    await new RedisMembershipStore(suite.redis, 30).join({
      roomId: room.id,
      userId: ghost.userId,
      connection: 'node-e:previous-run',
      displayName: ghost.displayName,
      domain: 'example.com',
      maxParticipants: room.maxParticipants,
      isHost: false,
      mode: 'join',
      tokenHash: 'ghost',
    });
    await stayer.client.take('user_joined', (f) => f.userId === ghost.userId);

    const node = await startNode(suite.env('node-e'));
    try {
      expect(await stayer.client.take('user_left')).toEqual({
        type: 'user_left',
        userId: ghost.userId,
      });
      expect(await suite.redis.hkeys(RedisKeys.roomMembers(room.id))).toEqual([stayer.user.userId]);
      expect(await suite.redis.exists(RedisKeys.presence(room.id, ghost.userId))).toBe(0);
    } finally {
      await node.close();
    }
  });

  it('shuts down gracefully: refuses new sockets, closes clients with 1001, frees their seats', async () => {
    const node = await startNode(suite.env('node-d'));
    const room = await seedRoom(suite.redis);
    const stayer = await joined(suite.nodeA, room.id);
    const leaver = await SignalingTestClient.authenticated(node.url, testUser(suite.keys).token);
    leaver.send({ type: 'join_room', roomId: room.id });
    await leaver.take('room_joined');
    await stayer.client.take('user_joined');

    const closing = node.close();
    expect((await leaver.closed).code).toBe(CloseCode.GOING_AWAY);
    expect(await stayer.client.take('user_left')).toMatchObject({ type: 'user_left' });
    await closing;
    expect(await suite.redis.hkeys(RedisKeys.roomMembers(room.id))).toEqual([stayer.user.userId]);
    expect(await suite.redis.sismember(RedisKeys.signalingNodes(), 'node-d')).toBe(0);
    await expect(SignalingTestClient.connect(node.url)).rejects.toThrow();
  });
});
