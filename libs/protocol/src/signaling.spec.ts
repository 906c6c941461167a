import { Limits } from './limits';
import { clientMessageSchema, serverMessageSchema } from './signaling';

const peer = '6f1c1a52-8d2e-4a43-9a57-7e0f2b4f7c11';
const room = '0b6b7a4e-4a55-4d0f-8f0a-3c1f8f5c2d9e';

describe('client frames', () => {
  it.each([
    { type: 'auth', token: 'abc' },
    { type: 'join_room', roomId: room },
    { type: 'leave_room' },
    { type: 'offer', targetUserId: peer, sdp: 'v=0' },
    { type: 'answer', targetUserId: peer, sdp: 'v=0' },
    {
      type: 'ice_candidate',
      targetUserId: peer,
      candidate: {
        candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
      },
    },
    { type: 'heartbeat' },
    { type: 'auth', token: 'abc', protocolVersion: 1 },
    { type: 'chat', text: 'hello' },
    { type: 'set_hand', raised: true },
    { type: 'lock_room', locked: true },
    { type: 'remove_participant', targetUserId: peer },
    { type: 'mute_participant', targetUserId: peer },
    { type: 'lower_hand', targetUserId: peer },
  ])('accepts $type', (frame) => {
    expect(clientMessageSchema.parse(frame)).toEqual(frame);
  });

  it.each([
    ['an unknown type', { type: 'shout' }],
    ['a spoofed sender', { type: 'offer', targetUserId: peer, sdp: 'v=0', senderUserId: peer }],
    ['a non-uuid room', { type: 'join_room', roomId: 'lobby' }],
    ['a non-string sdp', { type: 'answer', targetUserId: peer, sdp: 42 }],
    ['an empty sdp', { type: 'offer', targetUserId: peer, sdp: '' }],
    [
      'a candidate that is a string',
      { type: 'ice_candidate', targetUserId: peer, candidate: 'candidate:1' },
    ],
    ['no type', { roomId: room }],
    ['an empty chat', { type: 'chat', text: '' }],
    ['a chat of only spaces', { type: 'chat', text: ' \n\t ' }],
    ['a chat over 2000 characters', { type: 'chat', text: 'x'.repeat(2001) }],
    ['a chat that is not text', { type: 'chat', text: ['<b>'] }],
    ['a lock that is not a boolean', { type: 'lock_room', locked: 'yes' }],
    ['a removal of no one', { type: 'remove_participant' }],
    ['a fractional protocol version', { type: 'auth', token: 'a', protocolVersion: 1.5 }],
  ])('rejects %s', (_name, frame) => {
    expect(clientMessageSchema.safeParse(frame).success).toBe(false);
  });

  it('caps SDP and candidate sizes at the measured limits (docs/SECURITY.md)', () => {
    const offer = (chars: number) => ({
      type: 'offer',
      targetUserId: peer,
      sdp: 'v'.repeat(chars),
    });
    const ice = (chars: number) => ({
      type: 'ice_candidate',
      targetUserId: peer,
      candidate: { candidate: 'c'.repeat(chars) },
    });
    expect(clientMessageSchema.safeParse(offer(Limits.sdpChars)).success).toBe(true);
    expect(clientMessageSchema.safeParse(offer(Limits.sdpChars + 1)).success).toBe(false);
    expect(clientMessageSchema.safeParse(ice(Limits.iceCandidateChars)).success).toBe(true);
    expect(clientMessageSchema.safeParse(ice(Limits.iceCandidateChars + 1)).success).toBe(false);
  });
});

describe('server frames', () => {
  it('carries peers with display names beside the seed fields', () => {
    const frame = {
      type: 'room_joined',
      roomId: room,
      existingPeers: [peer],
      peers: [{ userId: peer, displayName: 'ada' }],
    };
    expect(serverMessageSchema.parse(frame)).toEqual(frame);
  });

  it('only knows the contract error codes', () => {
    expect(
      serverMessageSchema.safeParse({ type: 'error', code: 'room_full', message: 'full' }).success,
    ).toBe(true);
    expect(
      serverMessageSchema.safeParse({ type: 'error', code: 'oops', message: 'x' }).success,
    ).toBe(false);
  });
});

describe('chat text', () => {
  it('is trimmed, and 2000 characters after trimming are accepted', () => {
    const text = `  ${'y'.repeat(2000)}\n`;
    expect(clientMessageSchema.parse({ type: 'chat', text })).toEqual({
      type: 'chat',
      text: 'y'.repeat(2000),
    });
  });
});
