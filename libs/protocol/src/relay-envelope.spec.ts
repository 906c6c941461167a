import { randomUUID } from 'node:crypto';
import { busEnvelopeSchema } from './bus';
import {
  RELAY_TO_OFFSET,
  RELAY_TYPE_OFFSET,
  RelayLayout,
  RelayTypes,
  USER_ID_LENGTH,
} from './relay-envelope';

describe('the relay envelope layout', () => {
  const to = randomUUID();
  const from = randomUUID();
  const frame = { type: 'answer', senderUserId: from, sdp: 'v=0\r\n' };
  const laidOut = (type: string) =>
    [
      RelayLayout.beforeTo,
      to,
      RelayLayout.beforeType,
      type,
      RelayLayout.beforeFrom,
      from,
      RelayLayout.beforeSentAt,
      '12.5',
      RelayLayout.beforeFrame,
      JSON.stringify(frame),
      RelayLayout.end,
    ].join('');

  it.each(RelayTypes)('lays out %s as a bus envelope', (type) => {
    const envelope = busEnvelopeSchema.parse(JSON.parse(laidOut(type)));
    expect(envelope).toEqual({ type, from, to, data: { sentAt: 12.5, frame } });
  });

  it('puts the target and the type at their offsets', () => {
    const raw = laidOut('offer');
    expect(raw.slice(RELAY_TO_OFFSET, RELAY_TO_OFFSET + USER_ID_LENGTH)).toBe(to);
    expect(raw.slice(RELAY_TYPE_OFFSET).startsWith(`offer${RelayLayout.beforeFrom}`)).toBe(true);
  });

  it('tells every type apart by its first byte', () => {
    expect(new Set(RelayTypes.map((type) => type[0])).size).toBe(RelayTypes.length);
  });

  it('writes user ids at the length of a UUID', () => {
    expect(randomUUID()).toHaveLength(USER_ID_LENGTH);
  });
});
