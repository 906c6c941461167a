import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '@qual-meet/protocol';
import { parseBusEvent } from './bus-events';
import { encodeChatEvent } from './meeting-events';

describe('meeting events', () => {
  const alice = randomUUID();
  const chat: ChatMessage = {
    type: 'chat',
    senderUserId: alice,
    displayName: 'alice',
    domain: 'example.com',
    text: 'hi',
    sentAt: 1,
  };

  it('round-trips a chat message, passing on only the frame’s own fields', () => {
    expect(parseBusEvent(encodeChatEvent('node-a', chat))).toEqual({
      kind: 'chat',
      node: 'node-a',
      frame: JSON.stringify(chat),
    });
    const padded = JSON.stringify({
      type: 'chat',
      from: alice,
      data: { node: 'node-a', frame: { ...chat, html: '<script>' } },
    });
    expect(parseBusEvent(padded)).toEqual({
      kind: 'chat',
      node: 'node-a',
      frame: JSON.stringify(chat),
    });
  });

  it('reads hands, lock and removals as the Lua scripts publish them', () => {
    const roomId = randomUUID();
    const up = {
      type: 'hand_changed',
      from: alice,
      data: { userId: alice, raised: true, raisedAt: 5 },
    };
    expect(parseBusEvent(JSON.stringify(up))).toEqual({
      kind: 'hand_changed',
      userId: alice,
      raised: true,
      raisedAt: 5,
    });
    // A lowered hand has no time, whatever the message says.
    const down = { ...up, data: { userId: alice, raised: false, raisedAt: 5 } };
    expect(parseBusEvent(JSON.stringify(down))).toMatchObject({
      raised: false,
      raisedAt: undefined,
    });
    const lock = { type: 'lock_changed', from: alice, data: { locked: true } };
    expect(parseBusEvent(JSON.stringify(lock))).toEqual({ kind: 'lock_changed', locked: true });
    const removed = { type: 'participant_removed', from: alice, to: alice, data: { roomId } };
    expect(parseBusEvent(JSON.stringify(removed))).toEqual({
      kind: 'participant_removed',
      userId: alice,
    });
  });

  it.each([
    ['a chat without its node', { type: 'chat', from: 'x', data: { frame: {} } }],
    [
      'a removal without a target',
      { type: 'participant_removed', from: 'x', data: { roomId: 'r' } },
    ],
    ['a hand of no one', { type: 'hand_changed', from: 'x', data: { raised: true } }],
    ['a lock that is no boolean', { type: 'lock_changed', from: 'x', data: { locked: 'yes' } }],
  ])('ignores %s', (_what, envelope) => {
    expect(parseBusEvent(JSON.stringify(envelope))).toBeUndefined();
  });
});
