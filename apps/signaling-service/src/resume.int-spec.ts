import type { Redis } from 'ioredis';
import { CloseCode, Limits } from '@qual-meet/protocol';
import { RedisKeys } from '@qual-meet/redis';
import { eventually, type SignalingTestClient } from '@qual-meet/testing';
import { seedRoom, testUser, type TestNode, type TestUser } from './test-support/fixtures';
import { useTwoNodes } from './test-support/two-nodes';

// A member whose socket died takes its seat back from a new socket with the resume token of its
// last `room_joined` (docs/DECISIONS.md, "Resuming a seat"): silently for the others, and only
// with the seat's current token. Two real nodes on one real Redis.
const nodes = useTwoNodes();
const { signIn, joined, keys } = nodes;
let redis: Redis;
let nodeA: TestNode;
let nodeB: TestNode;

beforeAll(() => {
  ({ redis, a: nodeA, b: nodeB } = nodes);
});

/** Alice on node A and Bob on node B in one room, each having seen the other. */
async function call(hostId?: string) {
  const room = await seedRoom(redis, hostId ? { hostId } : {});
  const alice = await joined(nodeA, room.id);
  const bob = await joined(nodeB, room.id);
  await alice.client.take('user_joined', (f) => f.userId === bob.user.userId);
  return { room, alice, bob };
}

/** Frames about `userId`'s membership that `client` got (joined, left, resumed). */
const membershipFramesAbout = (client: SignalingTestClient, userId: string) =>
  client.received.filter(
    (f) =>
      (f.type === 'user_joined' || f.type === 'user_left' || f.type === 'user_resumed') &&
      f.userId === userId,
  );

/** A new socket of `user` on `node` sending `join_room` with `resume`. */
async function rejoin(node: TestNode, roomId: string, user: TestUser, resume?: string) {
  const { client } = await signIn(node, user);
  client.send({ type: 'join_room', roomId, ...(resume === undefined ? {} : { resume }) });
  return client;
}

describe('resuming a seat', () => {
  it.each([
    ['on the same node', () => nodeA],
    ['from the other node', () => nodeB],
  ])(
    'moves the seat to the new socket %s: the others see user_resumed, never left/joined',
    async (_, node) => {
      const { room, alice, bob } = await call();
      const token = alice.frame.resumeToken!;
      expect(token).toHaveLength(Limits.resumeTokenChars);
      expect(alice.frame.resumed).toBe(false);

      const again = await rejoin(node(), room.id, alice.user, token);
      const joinedAgain = await again.take('room_joined');
      expect(joinedAgain).toMatchObject({ resumed: true, existingPeers: [bob.user.userId] });
      // A new token for the new seat; the old one is spent.
      expect(joinedAgain.resumeToken).not.toBe(token);
      expect((await alice.client.closed).code).toBe(CloseCode.REPLACED);

      await bob.client.take('user_resumed', (f) => f.userId === alice.user.userId);
      expect(membershipFramesAbout(bob.client, alice.user.userId)).toEqual([
        { type: 'user_resumed', userId: alice.user.userId },
      ]);
      // Negotiation reaches the new socket, both ways.
      bob.client.send({ type: 'offer', targetUserId: alice.user.userId, sdp: 'v=0 restart' });
      expect(await again.take('offer')).toMatchObject({ senderUserId: bob.user.userId });
      again.send({ type: 'answer', targetUserId: bob.user.userId, sdp: 'v=0 answer' });
      expect(await bob.client.take('answer')).toMatchObject({ senderUserId: alice.user.userId });
      // The old socket's close took nothing with it.
      expect(await redis.hget(RedisKeys.roomMembers(room.id), alice.user.userId)).toContain(
        nodeOf(node()),
      );
      expect(membershipFramesAbout(bob.client, alice.user.userId)).toHaveLength(1);
    },
  );

  it('is a plain join, visible to the others, with a token replayed after a resume', async () => {
    const { room, alice, bob } = await call();
    const token = alice.frame.resumeToken!;
    const second = await rejoin(nodeB, room.id, alice.user, token);
    expect(await second.take('room_joined')).toMatchObject({ resumed: true });
    await bob.client.take('user_resumed');

    const replay = await rejoin(nodeA, room.id, alice.user, token);
    expect(await replay.take('room_joined')).toMatchObject({ resumed: false });
    expect((await second.closed).code).toBe(CloseCode.REPLACED);
    await bob.client.take('user_left', (f) => f.userId === alice.user.userId);
    await bob.client.take('user_joined', (f) => f.userId === alice.user.userId);
  });

  it("does nothing with another user's token but a plain join of the presenter", async () => {
    const { room, alice, bob } = await call();
    const mallory = testUser(keys, 'mallory');
    const intruder = await rejoin(nodeB, room.id, mallory, alice.frame.resumeToken);
    expect(await intruder.take('room_joined')).toMatchObject({ resumed: false });
    await bob.client.take('user_joined', (f) => f.userId === mallory.userId);
    // Alice keeps her seat and her socket.
    await alice.client.take('user_joined', (f) => f.userId === mallory.userId);
    expect(await redis.hget(RedisKeys.roomMembers(room.id), alice.user.userId)).toContain(
      nodeA.nodeId,
    );
    expect(membershipFramesAbout(bob.client, alice.user.userId)).toEqual([]);
  });

  it("is a plain join with another room's token", async () => {
    const { alice } = await call();
    const other = await call();
    const inOther = await rejoin(nodeA, other.room.id, alice.user, alice.frame.resumeToken);
    expect(await inOther.take('room_joined')).toMatchObject({ resumed: false });
    await other.alice.client.take('user_joined', (f) => f.userId === alice.user.userId);
    expect(alice.client.received.some((f) => f.type === 'error')).toBe(false);
  });

  it('is a plain join once the token lapsed with the seat (the old socket closed)', async () => {
    const { room, alice, bob } = await call();
    const token = alice.frame.resumeToken!;
    await alice.client.kill();
    await bob.client.take('user_left', (f) => f.userId === alice.user.userId);
    const late = await rejoin(nodeB, room.id, alice.user, token);
    expect(await late.take('room_joined')).toMatchObject({ resumed: false });
    await bob.client.take('user_joined', (f) => f.userId === alice.user.userId);
  });

  it('keeps only a hash of the token in Redis, living as long as the presence', async () => {
    const { room, alice } = await call();
    const key = RedisKeys.resumeToken(room.id, alice.user.userId);
    const stored = (await redis.get(key))!;
    expect(stored).not.toContain(alice.frame.resumeToken!);
    expect(stored).toMatch(/^[0-9a-f]{64}:/);
    expect(await redis.ttl(key)).toBeGreaterThan(0);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(Limits.presenceTtlSeconds);
  });

  it('refuses a removed member: removal wins over the token', async () => {
    const hostUser = testUser(keys, 'host');
    const room = await seedRoom(redis, { hostId: hostUser.userId });
    const host = await joined(nodeA, room.id, hostUser);
    const guest = await joined(nodeB, room.id);
    await host.client.take('user_joined');
    host.client.send({ type: 'remove_participant', targetUserId: guest.user.userId });
    await guest.client.take('removed');
    const back = await rejoin(nodeA, room.id, guest.user, guest.frame.resumeToken);
    await back.error('removed');
    expect(await redis.hexists(RedisKeys.roomMembers(room.id), guest.user.userId)).toBe(0);
  });

  it('lets a member who was inside when the meeting was locked resume', async () => {
    const hostUser = testUser(keys, 'host');
    const room = await seedRoom(redis, { hostId: hostUser.userId });
    const host = await joined(nodeA, room.id, hostUser);
    const guest = await joined(nodeB, room.id);
    await host.client.take('user_joined');
    host.client.send({ type: 'lock_room', locked: true });
    await guest.client.take('lock_changed');
    const back = await rejoin(nodeA, room.id, guest.user, guest.frame.resumeToken);
    expect(await back.take('room_joined')).toMatchObject({ resumed: true, locked: true });
    await host.client.take('user_resumed', (f) => f.userId === guest.user.userId);
    // A newcomer is still kept out.
    const stranger = await rejoin(nodeB, room.id, testUser(keys));
    await stranger.error('room_locked');
  });

  it('refuses a malformed token as an invalid frame', async () => {
    const { room, alice } = await call();
    for (const resume of ['short', 'x'.repeat(Limits.resumeTokenChars - 1) + '!', 42]) {
      alice.client.send({ type: 'join_room', roomId: room.id, resume });
      await alice.client.error('invalid_message');
    }
  });
});

describe('heartbeat_ack', () => {
  it('answers a heartbeat, in the lobby and in a room', async () => {
    const { client } = await signIn(nodeA);
    client.send({ type: 'heartbeat' });
    await client.take('heartbeat_ack');
    const { alice } = await call();
    alice.client.send({ type: 'heartbeat' });
    await alice.client.take('heartbeat_ack');
  });

  it('answers a flood of heartbeats at most once a second, the late ones too', async () => {
    const { room, alice } = await call();
    const presence = RedisKeys.presence(room.id, alice.user.userId);
    let refreshes = 0;
    const monitor = await redis.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => {
      // Each refresh starts with one EVALSHA (ioredis adds an EVAL when the script is not loaded).
      if (args[0]?.toLowerCase() === 'evalsha' && args.includes(presence)) refreshes += 1;
    });
    const startedAt = Date.now();
    for (let i = 0; i < 50; i += 1) alice.client.send({ type: 'heartbeat' });
    await alice.client.take('heartbeat_ack');
    // The 49 that came too soon get one answer, a second later.
    await alice.client.take('heartbeat_ack', () => true, 3_000);
    const elapsedMs = Date.now() - startedAt;
    expect(elapsedMs).toBeGreaterThanOrEqual(Limits.heartbeatAckIntervalMs - 50);
    alice.client.send({ type: 'chat', text: 'marker' });
    await alice.client.take('chat');
    expect(alice.client.received.filter((f) => f.type === 'heartbeat_ack')).toHaveLength(2);
    await eventually(
      'presence refreshes',
      async () => refreshes,
      (n) => n >= 2,
    );
    expect(refreshes).toBe(2);
    await monitor.disconnect();
  });
});

/** The node part of the connection ids of `node`'s sockets. */
const nodeOf = (node: TestNode) => `${node.nodeId}:`;
