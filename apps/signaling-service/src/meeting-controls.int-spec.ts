import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  handChangedEventSchema,
  lockChangedEventSchema,
  participantRemovedEventSchema,
  type Room,
} from '@qual-meet/protocol';
import { RedisKeys } from '@qual-meet/redis';
import { closeRedis, eventually } from '@qual-meet/testing';
import { RedisMeetingStore } from './membership/redis-meeting-store';
import { RedisMembershipStore } from './membership/redis-membership-store';
import { hostFrames, seedRoom, testUser, type TestNode } from './test-support/fixtures';
import { useTwoNodes } from './test-support/two-nodes';

// Chat, hands and host controls (DESIGN §4.12) through two real nodes sharing one Redis: the lock
// and removals must hold on both nodes, whichever node the host and the others are on.
const nodes = useTwoNodes();
const { signIn, joined, keys } = nodes;
let redis: Redis;
let nodeA: TestNode;
let nodeB: TestNode;

beforeAll(() => {
  ({ redis, a: nodeA, b: nodeB } = nodes);
});

/** Its host on node A, one member on each node; everyone has seen everyone join. */
async function meeting() {
  const hostUser = testUser(keys, 'host');
  const room: Room = await seedRoom(redis, { hostId: hostUser.userId });
  const host = await joined(nodeA, room.id, hostUser);
  const far = await joined(nodeB, room.id);
  const near = await joined(nodeA, room.id);
  await host.client.take('user_joined', (f) => f.userId === far.user.userId);
  await host.client.take('user_joined', (f) => f.userId === near.user.userId);
  await far.client.take('user_joined', (f) => f.userId === near.user.userId);
  return { room, host, far, near, everyone: [host, far, near] };
}

/** What a meeting keeps in Redis: nothing once its last member is gone. */
async function meetingKeysLeft(roomId: string): Promise<number> {
  return redis.exists(
    RedisKeys.roomMembers(roomId),
    RedisKeys.roomLock(roomId),
    RedisKeys.roomRemoved(roomId),
    RedisKeys.roomHands(roomId),
  );
}

describe('chat', () => {
  it('reaches every member on both nodes, the sender included, and is never stored', async () => {
    const { far, everyone } = await meeting();
    const keysBefore = await redis.dbsize();
    far.client.send({ type: 'chat', text: ' hello from B ' });
    for (const member of everyone) {
      expect(await member.client.take('chat')).toEqual({
        type: 'chat',
        senderUserId: far.user.userId,
        displayName: far.user.displayName,
        domain: 'example.com',
        text: 'hello from B',
        sentAt: expect.any(Number),
      });
    }
    expect(await redis.dbsize()).toBe(keysBefore);
  });

  it('answers not_in_room to a stranger and sends them nothing of the room', async () => {
    const { far } = await meeting();
    const stranger = await signIn(nodeB);
    stranger.client.send({ type: 'chat', text: 'hi' });
    expect(await stranger.client.error('not_in_room')).toMatchObject({ type: 'error' });
    far.client.send({ type: 'chat', text: 'members only' });
    await far.client.take('chat');
    expect(stranger.client.pending).toEqual([]);
  });
});

describe('raised hands', () => {
  it('reach everyone across nodes, in order for a late joiner; the host lowers any; a leaver’s goes', async () => {
    const { room, host, far, near, everyone } = await meeting();
    far.client.send({ type: 'set_hand', raised: true });
    const farHand = await host.client.take('hand_changed');
    near.client.send({ type: 'set_hand', raised: true });
    const nearHand = await host.client.take('hand_changed');
    for (const member of [far, near]) {
      expect(await member.client.take('hand_changed')).toEqual(farHand);
      expect(await member.client.take('hand_changed')).toEqual(nearHand);
    }
    expect(farHand).toMatchObject({ userId: far.user.userId, raised: true });
    expect(nearHand.raisedAt!).toBeGreaterThan(farHand.raisedAt!);

    const late = await joined(nodeB, room.id);
    expect(late.frame.hands).toEqual([
      { userId: far.user.userId, raisedAt: farHand.raisedAt },
      { userId: near.user.userId, raisedAt: nearHand.raisedAt },
    ]);

    // The host, on node A, lowers the hand of a member on node B.
    host.client.send({ type: 'lower_hand', targetUserId: far.user.userId });
    const lowered = { type: 'hand_changed', userId: far.user.userId, raised: false };
    for (const member of [...everyone, late]) {
      expect(await member.client.take('hand_changed')).toEqual(lowered);
    }
    // A member who leaves with a hand up takes it along.
    await near.client.close();
    await late.client.take('user_left');
    expect(await redis.hkeys(RedisKeys.roomHands(room.id))).toEqual([]);
    expect((await joined(nodeA, room.id)).frame.hands).toEqual([]);
  });
});

describe('host controls', () => {
  it('answers not_host to each host frame from a member', async () => {
    const { room, host, far, near } = await meeting();
    near.client.send({ type: 'set_hand', raised: true });
    for (const member of [host, far, near]) await member.client.take('hand_changed');
    for (const frame of hostFrames(near.user.userId)) {
      far.client.send(frame);
      expect(await far.client.error('not_host')).toMatchObject({
        message: 'Only the host can do that',
      });
    }
    // Nothing changed, and nobody was told anything.
    expect(await redis.exists(RedisKeys.roomLock(room.id))).toBe(0);
    expect(await redis.hkeys(RedisKeys.roomMembers(room.id))).toHaveLength(3);
    expect(await redis.hkeys(RedisKeys.roomHands(room.id))).toEqual([near.user.userId]);
    expect([host, near].flatMap((member) => member.client.pending)).toEqual([]);
  });

  it('locks on both nodes: newcomers refused, members and the host come back, unlock lets in', async () => {
    const { room, host, far, everyone } = await meeting();
    host.client.send({ type: 'lock_room', locked: true });
    for (const member of everyone) {
      expect(await member.client.take('lock_changed')).toEqual({
        type: 'lock_changed',
        locked: true,
      });
    }
    for (const node of [nodeA, nodeB]) {
      const newcomer = await signIn(node);
      newcomer.client.send({ type: 'join_room', roomId: room.id });
      expect(await newcomer.client.error('room_locked')).toMatchObject({
        message: 'This meeting is locked',
      });
    }
    // A member who was in (here: a reload, onto the other node) gets back in.
    await far.client.close();
    await host.client.take('user_left');
    const back = await joined(nodeA, room.id, far.user);
    expect(back.frame).toMatchObject({ locked: true, hostId: host.user.userId });
    // The host may always join, from any connection.
    const hostAgain = await joined(nodeB, room.id, host.user);
    expect(hostAgain.frame.locked).toBe(true);

    hostAgain.client.send({ type: 'lock_room', locked: false });
    expect(await back.client.take('lock_changed')).toEqual({ type: 'lock_changed', locked: false });
    expect((await joined(nodeB, room.id)).frame.locked).toBe(false);
    expect(await redis.exists(RedisKeys.roomLock(room.id))).toBe(0);
  });

  it('removes a member on the other node, who cannot come back on either node', async () => {
    const { room, host, far, near } = await meeting();
    host.client.send({ type: 'remove_participant', targetUserId: far.user.userId });
    expect(await far.client.take('removed')).toEqual({ type: 'removed', roomId: room.id });
    for (const member of [host, near]) {
      expect(await member.client.take('user_left')).toEqual({
        type: 'user_left',
        userId: far.user.userId,
      });
    }
    // Out of the room, on a socket that stays open.
    far.client.send({ type: 'offer', targetUserId: host.user.userId, sdp: 'v=0' });
    expect(await far.client.error('not_in_room')).toMatchObject({ type: 'error' });
    for (const node of [nodeB, nodeA]) {
      const again = await signIn(node, far.user);
      again.client.send({ type: 'join_room', roomId: room.id });
      expect(await again.client.error('removed')).toMatchObject({
        message: 'The host removed you from this meeting',
      });
    }
    expect(await redis.hkeys(RedisKeys.roomMembers(room.id))).not.toContain(far.user.userId);
    expect(await redis.smembers(RedisKeys.roomRemoved(room.id))).toEqual([far.user.userId]);
    expect(await redis.exists(RedisKeys.presence(room.id, far.user.userId))).toBe(0);
  });

  it('delivers mute_request from the host to the target only, on either node', async () => {
    const { host, far, near } = await meeting();
    for (const target of [far, near]) {
      host.client.send({ type: 'mute_participant', targetUserId: target.user.userId });
      expect(await target.client.next()).toEqual({
        type: 'mute_request',
        senderUserId: host.user.userId,
      });
    }
    host.client.send({ type: 'mute_participant', targetUserId: testUser(keys).userId });
    expect(await host.client.error('peer_not_found')).toMatchObject({ type: 'error' });
    expect([host, far, near].flatMap((member) => member.client.pending)).toEqual([]);
  });

  it('announces on the room channel what the protocol’s bus schemas describe', async () => {
    const { room, host, far, near } = await meeting();
    const subscriber = new Redis(nodes.db.url);
    const events: unknown[] = [];
    subscriber.on('message', (_channel: string, message: string) =>
      events.push(JSON.parse(message)),
    );
    try {
      await subscriber.subscribe(RedisKeys.roomEvents(room.id));
      near.client.send({ type: 'set_hand', raised: true });
      await host.client.take('hand_changed');
      host.client.send({ type: 'lock_room', locked: true });
      await host.client.take('lock_changed');
      host.client.send({ type: 'remove_participant', targetUserId: far.user.userId });
      await host.client.take('user_left');
      await eventually(
        'the events arrive',
        async () => events.length,
        (n) => n >= 4,
      );
    } finally {
      await closeRedis(subscriber);
    }
    const [hand, lock, removed] = events;
    expect(handChangedEventSchema.parse(hand).data).toEqual({
      userId: near.user.userId,
      raised: true,
      raisedAt: expect.any(Number),
    });
    expect(lockChangedEventSchema.parse(lock).data).toEqual({ locked: true });
    expect(participantRemovedEventSchema.parse(removed)).toMatchObject({
      from: host.user.userId,
      to: far.user.userId,
      data: { roomId: room.id },
    });
  });

  it('leaves no lock, removal, hand or member behind once everyone has left', async () => {
    const { room, host, far, near } = await meeting();
    host.client.send({ type: 'lock_room', locked: true });
    near.client.send({ type: 'set_hand', raised: true });
    await host.client.take('lock_changed');
    await host.client.take('hand_changed');
    host.client.send({ type: 'remove_participant', targetUserId: far.user.userId });
    await host.client.take('user_left');
    expect(await meetingKeysLeft(room.id)).toBe(4);

    near.client.send({ type: 'leave_room' });
    await host.client.take('user_left');
    await host.client.kill();
    await eventually(
      'the meeting leaves nothing',
      () => meetingKeysLeft(room.id),
      (n) => n === 0,
    );
    // Once the meeting has emptied it starts afresh: unlocked, no hands, nobody removed.
    const first = await joined(nodeB, room.id, far.user);
    expect(first.frame).toMatchObject({ locked: false, hands: [] });
  });
});

describe('the scripts', () => {
  /** A seat held by a socket of `nodeId` (no such node runs), with its hand up and the room locked. */
  async function lockedRoomWithGhost(nodeId: string) {
    const roomId = randomUUID();
    const ghost = testUser(keys);
    const membership = new RedisMembershipStore(redis, 30);
    const meetings = new RedisMeetingStore(redis);
    await membership.join({
      roomId,
      userId: ghost.userId,
      connection: `${nodeId}:socket`,
      displayName: ghost.displayName,
      domain: 'example.com',
      maxParticipants: 4,
      isHost: true,
      mode: 'join',
      tokenHash: 'ghost',
    });
    expect(await meetings.setLock(roomId, ghost.userId, true)).toBe(true);
    const hand = { roomId, userId: ghost.userId, raised: true, connection: undefined };
    expect(await meetings.setHand({ ...hand, from: ghost.userId })).toMatchObject({
      status: 'changed',
    });
    expect(await meetings.remove(roomId, ghost.userId, randomUUID())).toBe(false);
    expect(await meetingKeysLeft(roomId)).toBe(4);
    return { roomId, membership };
  }

  it('forget a meeting whose last seat is swept with its dead node', async () => {
    const { roomId, membership } = await lockedRoomWithGhost('node-gone');
    expect(await membership.sweepNode('node-gone', true)).toBe(1);
    expect(await meetingKeysLeft(roomId)).toBe(0);
  });

  it('forget a meeting whose members all went stale before a newcomer came', async () => {
    const { roomId } = await lockedRoomWithGhost('node-stale');
    const [ghost] = await redis.hkeys(RedisKeys.roomMembers(roomId));
    await redis.del(RedisKeys.presence(roomId, ghost!));
    // The room had emptied: the newcomer finds it unlocked, with no hands and nobody removed.
    const newcomer = await joined(nodeA, (await seedRoom(redis, { id: roomId })).id);
    expect(newcomer.frame).toMatchObject({ locked: false, hands: [], existingPeers: [] });
    expect(await redis.exists(RedisKeys.roomLock(roomId), RedisKeys.roomHands(roomId))).toBe(0);
    expect(await redis.exists(RedisKeys.roomRemoved(roomId))).toBe(0);
  });
});
