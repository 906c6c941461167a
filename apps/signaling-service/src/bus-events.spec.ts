import { randomUUID } from 'node:crypto';
import { ROOM_SERVICE_SENDER } from '@qual-meet/protocol';
import { encodeMemberEvent, encodeRelay, parseBusEvent, relayTargetOf } from './bus-events';

describe('bus events', () => {
  const alice = randomUUID();
  const bob = randomUUID();

  it('round-trips relays and membership events', () => {
    const frame = JSON.stringify({ type: 'offer', senderUserId: alice, sdp: 'v=0' });
    const raw = encodeRelay('offer', alice, bob, frame, 12.5);
    expect(parseBusEvent(raw)).toEqual({
      kind: 'relay',
      type: 'offer',
      from: alice,
      to: bob,
      frame,
      sentAt: 12.5,
    });
    expect(relayTargetOf(raw)).toBe(bob);
    const joined = { userId: alice, displayName: 'alice', connection: 'n1:s1' };
    expect(parseBusEvent(encodeMemberEvent('user_joined', joined))).toEqual({
      kind: 'member_joined',
      ...joined,
    });
  });

  it('reads room-service’s room_ended', () => {
    const roomId = randomUUID();
    const raw = JSON.stringify({ type: 'room_ended', from: ROOM_SERVICE_SENDER, data: { roomId } });
    expect(parseBusEvent(raw)).toEqual({ kind: 'room_ended', roomId });
  });

  it('reads the target only of relays laid out as this node writes them', () => {
    expect(
      relayTargetOf(encodeMemberEvent('user_left', { userId: alice, connection: 'n:s' })),
    ).toBe(undefined);
    const reordered = JSON.stringify({ to: bob, type: 'offer', from: alice, data: {} });
    expect(relayTargetOf(reordered)).toBeUndefined();
  });

  it.each([
    ['not JSON', '{'],
    ['no envelope', JSON.stringify({ type: 'offer' })],
    [
      'a relay without a target',
      JSON.stringify({ type: 'offer', from: alice, data: { sdp: 'x' } }),
    ],
    [
      'room_ended from a user',
      JSON.stringify({ type: 'room_ended', from: alice, data: { roomId: randomUUID() } }),
    ],
    ['an unknown type', JSON.stringify({ type: 'kick', from: alice, data: {} })],
  ])('ignores %s', (_case, raw) => {
    expect(parseBusEvent(raw)).toBeUndefined();
  });
});
