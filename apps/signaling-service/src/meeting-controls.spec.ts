import { randomUUID } from 'node:crypto';
import { CloseCode, type Room } from '@qual-meet/protocol';
import { eventually, generateTestKeyPair } from '@qual-meet/testing';
import type { SignalingNode } from './signaling-node';
import { hostFrames, testUser } from './test-support/fixtures';
import { InMemoryNodes } from './test-support/in-memory-nodes';

// Chat, hands and host controls (DESIGN §4.12) on fake sockets, two nodes and one in-memory
// store; signaling.int-spec.ts checks the same on Redis.
const keys = generateTestKeyPair();
let cluster: InMemoryNodes;
let one: SignalingNode;
let two: SignalingNode;

beforeEach(async () => {
  cluster = new InMemoryNodes(keys);
  one = await cluster.startNode();
  two = await cluster.startNode();
});

afterEach(() => cluster.shutdown());

/** A meeting with its host in it on node one, and two more members: one per node. */
async function meeting(overrides: Partial<Room> = {}) {
  const hostUser = testUser(keys, 'host');
  const room = cluster.room({ hostId: hostUser.userId, ...overrides });
  const host = await cluster.joined(one, room.id, hostUser);
  const near = await cluster.joined(one, room.id);
  const far = await cluster.joined(two, room.id);
  await host.socket.take('user_joined');
  await host.socket.take('user_joined');
  await near.socket.take('user_joined');
  return { room, host, near, far, everyone: [host, near, far] };
}

describe('chat', () => {
  it('reaches every member on both nodes, the sender included, stamped by the server', async () => {
    const { near, everyone } = await meeting();
    const before = Date.now();
    near.socket.deliver({ type: 'chat', text: '  hello <b>all</b>  ' });
    for (const member of everyone) {
      const chat = await member.socket.take('chat');
      expect(chat).toEqual({
        type: 'chat',
        senderUserId: near.user.userId,
        displayName: near.user.displayName,
        domain: 'example.com',
        text: 'hello <b>all</b>',
        sentAt: expect.any(Number),
      });
      expect(chat.sentAt).toBeGreaterThanOrEqual(before);
    }
  });

  it('is refused from a stranger (not_in_room) and when empty or over 2000 characters', async () => {
    const { far, everyone } = await meeting();
    const stranger = await cluster.signIn(one);
    stranger.socket.deliver({ type: 'chat', text: 'let me in' });
    expect(await stranger.socket.take('error')).toMatchObject({ code: 'not_in_room' });
    for (const text of ['   ', 'x'.repeat(2001)]) {
      far.socket.deliver({ type: 'chat', text });
      expect(await far.socket.take('error')).toMatchObject({ code: 'invalid_message' });
    }
    far.socket.deliver({ type: 'chat', text: 'x'.repeat(2000) });
    for (const member of everyone)
      expect((await member.socket.take('chat')).text).toHaveLength(2000);
    expect(everyone.flatMap((member) => member.socket.pending)).toEqual([]);
  });

  it('does not show earlier messages to someone who joins later', async () => {
    const { host, room } = await meeting();
    host.socket.deliver({ type: 'chat', text: 'before you came' });
    await host.socket.take('chat');
    const late = await cluster.joined(two, room.id);
    host.socket.deliver({ type: 'chat', text: 'welcome' });
    expect((await late.socket.take('chat')).text).toBe('welcome');
    expect(late.socket.received.filter((frame) => frame.type === 'chat')).toHaveLength(1);
  });

  it('limits a member flooding chat (rate_limited once, then 4429) and never cuts off the others', async () => {
    const node = await cluster.startNode({
      meetingRateLimit: { perSecond: 1, burst: 3, maxDrops: 10 },
    });
    const { id } = cluster.room();
    const flooder = await cluster.joined(node, id);
    const reader = await cluster.joined(node, id);
    for (let i = 0; i < 20; i += 1) flooder.socket.deliver({ type: 'chat', text: `spam ${i}` });
    expect(await flooder.socket.closed).toBe(CloseCode.RATE_LIMITED);
    const errors = flooder.socket.received.filter((frame) => frame.type === 'error');
    expect(errors).toEqual([
      { type: 'error', code: 'rate_limited', message: expect.any(String) },
      { type: 'error', code: 'rate_limited', message: 'Too many messages: disconnected' },
    ]);
    expect(reader.socket.received.filter((frame) => frame.type === 'chat')).toHaveLength(3);
    expect(reader.socket.closeCode).toBeUndefined();
  });
});

describe('raised hands', () => {
  it('tells every member, and lists the raised hands, in order, to whoever joins later', async () => {
    const { room, host, near, far, everyone } = await meeting();
    far.socket.deliver({ type: 'set_hand', raised: true });
    const farHand = await host.socket.take('hand_changed');
    near.socket.deliver({ type: 'set_hand', raised: true });
    const nearHand = await host.socket.take('hand_changed');
    expect(farHand).toEqual({
      type: 'hand_changed',
      userId: far.user.userId,
      raised: true,
      raisedAt: expect.any(Number),
    });
    for (const member of [near, far]) {
      expect(await member.socket.take('hand_changed')).toEqual(farHand);
      expect(await member.socket.take('hand_changed')).toEqual(nearHand);
    }
    expect(nearHand.raisedAt!).toBeGreaterThan(farHand.raisedAt!);

    const late = await cluster.joined(two, room.id);
    expect(late.frame.hands).toEqual([
      { userId: far.user.userId, raisedAt: farHand.raisedAt },
      { userId: near.user.userId, raisedAt: nearHand.raisedAt },
    ]);

    // Raising a raised hand changes nothing: only the sender hears its state again.
    far.socket.deliver({ type: 'set_hand', raised: true });
    expect(await far.socket.take('hand_changed')).toEqual(farHand);
    far.socket.deliver({ type: 'set_hand', raised: false });
    for (const member of [...everyone, late]) {
      expect(await member.socket.take('hand_changed')).toEqual({
        type: 'hand_changed',
        userId: far.user.userId,
        raised: false,
      });
    }
    expect(late.socket.pending).toEqual([]);
  });

  it("drops a leaver's hand: a later joiner does not see it", async () => {
    const { room, host, far } = await meeting();
    far.socket.deliver({ type: 'set_hand', raised: true });
    await host.socket.take('hand_changed');
    far.socket.deliver({ type: 'leave_room' });
    await host.socket.take('user_left');
    expect((await cluster.joined(one, room.id)).frame.hands).toEqual([]);
    far.socket.deliver({ type: 'join_room', roomId: room.id });
    expect((await far.socket.take('room_joined')).hands).toEqual([]);
  });

  it("lets the host lower anyone's hand, and nobody else", async () => {
    const { host, near, far, everyone } = await meeting();
    far.socket.deliver({ type: 'set_hand', raised: true });
    for (const member of everyone) await member.socket.take('hand_changed');
    near.socket.deliver({ type: 'lower_hand', targetUserId: far.user.userId });
    expect(await near.socket.take('error')).toMatchObject({ code: 'not_host' });
    host.socket.deliver({ type: 'lower_hand', targetUserId: far.user.userId });
    for (const member of everyone) {
      expect(await member.socket.take('hand_changed')).toEqual({
        type: 'hand_changed',
        userId: far.user.userId,
        raised: false,
      });
    }
    host.socket.deliver({ type: 'lower_hand', targetUserId: randomUUID() });
    expect(await host.socket.take('error')).toMatchObject({ code: 'peer_not_found' });
  });
});

describe('host controls', () => {
  it('answers not_host to every host frame from a member, and not_in_room to a stranger', async () => {
    const { near, far, host, room } = await meeting();
    const stranger = await cluster.signIn(two);
    for (const frame of hostFrames(far.user.userId)) {
      near.socket.deliver(frame);
      expect(await near.socket.take('error')).toMatchObject({ code: 'not_host' });
      stranger.socket.deliver(frame);
      expect(await stranger.socket.take('error')).toMatchObject({ code: 'not_in_room' });
    }
    // Nothing happened: nobody heard of anything, the room is as it was.
    for (const member of [host, near, far]) expect(member.socket.pending).toEqual([]);
    expect(cluster.store.members(room.id)).toHaveLength(3);
  });

  it('locks: everyone hears it, a newcomer is refused on any node, members and the host get back in', async () => {
    const { room, host, near, far, everyone } = await meeting();
    host.socket.deliver({ type: 'lock_room', locked: true });
    for (const member of everyone) {
      expect(await member.socket.take('lock_changed')).toEqual({
        type: 'lock_changed',
        locked: true,
      });
    }
    for (const node of [one, two]) {
      const newcomer = await cluster.signIn(node);
      newcomer.socket.deliver({ type: 'join_room', roomId: room.id });
      expect(await newcomer.socket.take('error')).toEqual({
        type: 'error',
        code: 'room_locked',
        message: 'This meeting is locked',
      });
    }
    // A member who was in when it was locked comes back (a reload), and sees it locked.
    far.socket.disconnect();
    await host.socket.take('user_left');
    const back = await cluster.joined(two, room.id, far.user);
    expect(back.frame).toMatchObject({ locked: true, hostId: host.user.userId });
    // So does the host, from a new connection.
    host.socket.disconnect();
    expect((await cluster.joined(one, room.id, host.user)).frame.locked).toBe(true);
    expect(cluster.store.members(room.id)).toHaveLength(3);
    near.socket.deliver({ type: 'lock_room', locked: false });
    expect(await near.socket.take('error')).toMatchObject({ code: 'not_host' });
  });

  it('unlocks: newcomers join again', async () => {
    const { room, host, everyone } = await meeting();
    host.socket.deliver({ type: 'lock_room', locked: true });
    host.socket.deliver({ type: 'lock_room', locked: false });
    for (const member of everyone) {
      expect((await member.socket.take('lock_changed')).locked).toBe(true);
      expect((await member.socket.take('lock_changed')).locked).toBe(false);
    }
    expect((await cluster.joined(two, room.id)).frame.locked).toBe(false);
  });

  it('removes a member: removed to them, user_left to the others, and no way back on any node', async () => {
    const { room, host, near, far } = await meeting();
    host.socket.deliver({ type: 'remove_participant', targetUserId: far.user.userId });
    expect(await far.socket.take()).toEqual({ type: 'removed', roomId: room.id });
    for (const member of [host, near]) {
      expect(await member.socket.take()).toEqual({ type: 'user_left', userId: far.user.userId });
    }
    // Out of the room: a relay is refused, and joining again is too, on either node.
    far.socket.deliver({ type: 'chat', text: 'still here?' });
    expect(await far.socket.take('error')).toMatchObject({ code: 'not_in_room' });
    for (const node of [two, one]) {
      const again = await cluster.signIn(node, far.user);
      again.socket.deliver({ type: 'join_room', roomId: room.id });
      expect(await again.socket.take('error')).toEqual({
        type: 'error',
        code: 'removed',
        message: 'The host removed you from this meeting',
      });
    }
    expect(cluster.store.members(room.id).map((m) => m.userId)).not.toContain(far.user.userId);
    expect(far.socket.closeCode).toBeUndefined();
  });

  it('removes a member whose node missed the announcement at its next heartbeat', async () => {
    const { room, host, far } = await meeting();
    // The store removes the member but the announcements are lost (say, a subscriber reconnect).
    const silenced = jest.spyOn(cluster.hub, 'deliver').mockImplementation(() => undefined);
    expect(await cluster.store.remove(room.id, host.user.userId, far.user.userId)).toBe(true);
    silenced.mockRestore();
    expect(far.socket.pending).toEqual([]);
    far.socket.deliver({ type: 'heartbeat' });
    expect(await far.socket.take()).toEqual({ type: 'heartbeat_ack' });
    expect(await far.socket.take()).toEqual({ type: 'removed', roomId: room.id });
    far.socket.deliver({ type: 'chat', text: 'hello?' });
    expect(await far.socket.take('error')).toMatchObject({ code: 'not_in_room' });
  });

  it('refuses to remove or mute someone outside the room, or the host themself', async () => {
    const { host } = await meeting();
    const stranger = await cluster.signIn(two);
    for (const type of ['remove_participant', 'mute_participant']) {
      for (const targetUserId of [stranger.user.userId, host.user.userId]) {
        host.socket.deliver({ type, targetUserId });
        expect(await host.socket.take('error')).toMatchObject({ code: 'peer_not_found' });
      }
    }
    expect(stranger.socket.pending).toEqual([]);
  });

  it('asks a member on either node to mute: mute_request from the host, to them only', async () => {
    const { host, near, far } = await meeting();
    for (const target of [near, far]) {
      host.socket.deliver({ type: 'mute_participant', targetUserId: target.user.userId });
      expect(await target.socket.take()).toEqual({
        type: 'mute_request',
        senderUserId: host.user.userId,
      });
    }
    expect([host, near, far].flatMap((member) => member.socket.pending)).toEqual([]);
  });

  it('forgets the lock, removals and hands once everyone has left', async () => {
    const { room, host, near, far } = await meeting();
    host.socket.deliver({ type: 'lock_room', locked: true });
    near.socket.deliver({ type: 'set_hand', raised: true });
    host.socket.deliver({ type: 'remove_participant', targetUserId: far.user.userId });
    await near.socket.take('user_left');
    expect(cluster.store.meetingState(room.id)).toMatchObject({
      lock: expect.any(Set),
      removed: new Set([far.user.userId]),
    });
    host.socket.deliver({ type: 'leave_room' });
    near.socket.disconnect();
    await eventually(
      'the meeting is forgotten',
      async () => cluster.store.meetingState(room.id),
      (state) => state === undefined,
    );
    expect(cluster.store.members(room.id)).toEqual([]);
  });
});
