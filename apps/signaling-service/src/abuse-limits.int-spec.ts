import WebSocket from 'ws';
import { CloseCode } from '@qual-meet/protocol';
import type { SignalingTestClient } from '@qual-meet/testing';
import { seedRoom } from './test-support/fixtures';
import { useTwoNodes } from './test-support/two-nodes';

// DESIGN §4.11 on two real nodes and real Redis, with the default limits.
const nodes = useTwoNodes();
const WAIT_MS = 20_000;
/** Under the SDP cap (Limits.sdpBytes), far over what a browser sends. */
const bigSdp = (n: number) => `v=0 ${n} ${'a'.repeat(30 * 1024)}`;

/** Two members of a fresh room, `victim` on node a and `attacker` on `attackerNode`. */
async function pair(attackerNode: 'a' | 'b') {
  const room = await seedRoom(nodes.redis, { maxParticipants: 6 });
  const victim = await nodes.joined(nodes.a, room.id);
  const attacker = await nodes.joined(nodes[attackerNode], room.id);
  await victim.client.take('user_joined');
  return { room, victim, attacker };
}

const errorsOf = (client: SignalingTestClient, code: string) =>
  client.received.filter((frame) => frame.type === 'error' && frame.code === code);

describe('a member flooding another', () => {
  it.each(['a', 'b'] as const)(
    'never disconnects a target that does not read; the sender is refused and closed 4429 (attacker on node %s)',
    async (attackerNode) => {
      const { victim, attacker } = await pair(attackerNode);
      victim.client.socket.pause();
      for (let i = 0; i < 400; i += 1) {
        attacker.client.send({ type: 'offer', targetUserId: victim.user.userId, sdp: bigSdp(i) });
      }
      expect((await attacker.client.closed).code).toBe(CloseCode.RATE_LIMITED);
      expect(errorsOf(attacker.client, 'rate_limited').length).toBeGreaterThanOrEqual(1);

      victim.client.socket.resume();
      expect(await victim.client.take('user_left', () => true, WAIT_MS)).toEqual({
        type: 'user_left',
        userId: attacker.user.userId,
      });
      expect(victim.client.socket.readyState).toBe(WebSocket.OPEN);
      // A handful of offers got through before the limits; the rest never left the sender's node.
      const offers = victim.client.received.filter((frame) => frame.type === 'offer');
      expect(offers.length).toBeGreaterThan(0);
      expect(offers.length).toBeLessThanOrEqual(10);
    },
  );

  it('limits offers per target (a burst of 10), each target on its own', async () => {
    const { room, victim, attacker } = await pair('b');
    const other = await nodes.joined(nodes.a, room.id);
    for (let i = 0; i < 12; i += 1) {
      attacker.client.send({ type: 'offer', targetUserId: victim.user.userId, sdp: `v=0 ${i}` });
    }
    // Candidates are not offers: this one arrives behind whatever offers got through.
    attacker.client.send({
      type: 'ice_candidate',
      targetUserId: victim.user.userId,
      candidate: { candidate: 'end' },
    });
    await victim.client.take('ice_candidate');
    expect(victim.client.received.filter((frame) => frame.type === 'offer')).toHaveLength(10);
    expect(await attacker.client.error('rate_limited')).toMatchObject({ code: 'rate_limited' });
    attacker.client.send({ type: 'offer', targetUserId: other.user.userId, sdp: 'v=0 other' });
    expect(await other.client.take('offer')).toMatchObject({ sdp: 'v=0 other' });
    expect(attacker.client.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('has a byte budget besides the frame count: a few huge frames are refused', async () => {
    const { client } = await nodes.signIn(nodes.a);
    const huge = JSON.stringify({ type: 'heartbeat', padding: 'x'.repeat(60 * 1024) });
    for (let i = 0; i < 10; i += 1) client.sendRaw(huge);
    expect(await client.error('rate_limited')).toMatchObject({ code: 'rate_limited' });
    // Under the byte budget (256 KiB) the first four were read, and refused as invalid.
    expect(errorsOf(client, 'invalid_message').length).toBeLessThanOrEqual(5);
  });
});

describe('sockets per user', () => {
  it('allows 8 sockets of one user across both nodes; the 9th gets rate_limited and 4429', async () => {
    const user = nodes.user();
    const open: SignalingTestClient[] = [];
    for (let i = 0; i < 8; i += 1) {
      open.push((await nodes.signIn(i % 2 === 0 ? nodes.a : nodes.b, user)).client);
    }
    const ninth = await nodes.connect(nodes.b);
    ninth.send({ type: 'auth', token: user.token });
    expect(await ninth.error('rate_limited')).toMatchObject({ code: 'rate_limited' });
    expect((await ninth.closed).code).toBe(CloseCode.RATE_LIMITED);

    // Closing one frees its slot.
    await open[0]!.close();
    const again = await nodes.signIn(nodes.b, user);
    expect(again.client.socket.readyState).toBe(WebSocket.OPEN);
  });
});

describe('join_room rate', () => {
  it('answers rate_limited past 20 joins of one user in a minute, on any node', async () => {
    const rooms = await Promise.all(Array.from({ length: 25 }, () => seedRoom(nodes.redis)));
    const user = nodes.user();
    const { client } = await nodes.signIn(nodes.a, user);
    for (const room of rooms) client.send({ type: 'join_room', roomId: room.id });
    // Joins are handled one at a time, in order: the last five are the refused ones. (A join
    // superseded by the next before its room_joined gets none, so those are not counted here.)
    for (let i = 0; i < 5; i += 1) await client.error('rate_limited');
    expect(errorsOf(client, 'rate_limited')).toHaveLength(5);
    expect(client.received.filter((frame) => frame.type === 'error')).toHaveLength(5);

    // The budget is the user's, not the socket's or the node's.
    const elsewhere = await nodes.signIn(nodes.b, user);
    elsewhere.client.send({ type: 'join_room', roomId: rooms[0]!.id });
    expect(await elsewhere.client.error('rate_limited')).toMatchObject({ code: 'rate_limited' });
  });
});
