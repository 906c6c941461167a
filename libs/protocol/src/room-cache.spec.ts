import { roomCacheCodec } from './room-cache';

describe('roomCacheCodec', () => {
  const room = {
    id: '0b6b7a4e-4a55-4d0f-8f0a-3c1f8f5c2d9e',
    hostId: '6f1c1a52-8d2e-4a43-9a57-7e0f2b4f7c11',
    isActive: true,
    maxParticipants: 4,
    createdAt: new Date(0).toISOString(),
  };

  it('round-trips a room', () => {
    expect(roomCacheCodec.decode(roomCacheCodec.encode(room))).toEqual(room);
  });

  it.each([
    ['not JSON', '{'],
    ['not a room', '{"id":"x"}'],
    ['null', 'null'],
  ])('reads %s as a miss', (_case, raw) => {
    expect(roomCacheCodec.decode(raw)).toBeUndefined();
  });
});
