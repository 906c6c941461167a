import { inviteLink, parseRoomInput, roomPath } from './room-links';

const ID = '3f2b8c1e-6d4a-4c2b-9a7e-1b2c3d4e5f60';

describe('parseRoomInput', () => {
  it.each([
    [ID],
    [`  ${ID}  `],
    [ID.toUpperCase()],
    [`http://localhost:8080/room/${ID}`],
    [`https://meet.example/room/${ID}?utm=chat#top`],
    [`Join me: https://meet.example/room/${ID} (now)`],
  ])('finds the id in %p', (input) => {
    expect(parseRoomInput(input)).toBe(ID);
  });

  it.each([
    [''],
    ['hello'],
    ['https://meet.example/room/not-an-id'],
    [`${ID} ${ID.replace('3f', '4f')}`],
    ['3f2b8c1e-6d4a-4c2b-9a7e-1b2c3d4e5f6'],
  ])('rejects %p', (input) => {
    expect(parseRoomInput(input)).toBeNull();
  });
});

describe('invite links', () => {
  it('point at the meeting route on this origin', () => {
    expect(roomPath(ID)).toBe(`/room/${ID}`);
    expect(inviteLink('https://meet.example', ID)).toBe(`https://meet.example/room/${ID}`);
  });
});
