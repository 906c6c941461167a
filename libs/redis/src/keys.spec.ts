import { RedisKeys, roomIdOfChannel } from './keys';

const room = '0b6b7a4e-4a55-4d0f-8f0a-3c1f8f5c2d9e';
const user = '6f1c1a52-8d2e-4a43-9a57-7e0f2b4f7c11';

describe('RedisKeys', () => {
  it('spells the contract keys of DESIGN §4–5 exactly', () => {
    expect(RedisKeys.room(room)).toBe(`room:${room}`);
    expect(RedisKeys.presence(room, user)).toBe(`presence:${room}:${user}`);
    expect(RedisKeys.roomEvents(room)).toBe(`room_events:${room}`);
  });

  it('reads the room id back from a channel name', () => {
    expect(roomIdOfChannel(RedisKeys.roomEvents(room))).toBe(room);
    expect(roomIdOfChannel(`other:${room}`)).toBeUndefined();
  });
});
