import { flushPromises } from '../../../test-support/fake-clock';
import { fakeCallEnvironment } from '../test-support/fake-call-environment';
import { CHAT_HISTORY_LIMIT } from './room-features';

const ROOM = '00000000-0000-4000-8000-0000000000f1';
const ME = '00000000-0000-4000-8000-000000000001';
const HOST = '00000000-0000-4000-8000-0000000000aa';
const BOB = '00000000-0000-4000-8000-00000000000b';

/** A session in the room, the host and bob already there, the room as the server describes it. */
async function inRoom(extra: Record<string, unknown> = {}) {
  const fakes = fakeCallEnvironment();
  const session = fakes.environment.createSession({
    roomId: ROOM,
    localStream: null,
    selfDomain: 'example.com',
  });
  await session.join();
  await flushPromises();
  const socket = fakes.sockets.last;
  socket.authenticate(ME);
  socket.receive({
    type: 'room_joined',
    roomId: ROOM,
    existingPeers: [HOST, BOB],
    peers: [
      { userId: HOST, displayName: 'host' },
      { userId: BOB, displayName: 'bob' },
    ],
    hostId: HOST,
    ...extra,
  });
  return { ...fakes, session, socket, features: () => session.features.getSnapshot() };
}

const chat = (text: string, senderUserId = BOB, sentAt = 1_000) => ({
  type: 'chat',
  senderUserId,
  displayName: senderUserId === BOB ? 'bob' : 'someone',
  text,
  sentAt,
});

describe('RoomFeatures through MeshSession', () => {
  it('learns host, lock and the raised hands (earliest first) from room_joined', async () => {
    const { features } = await inRoom({
      locked: true,
      hands: [
        { userId: BOB, raisedAt: 20 },
        { userId: HOST, raisedAt: 10 },
      ],
    });
    expect(features()).toMatchObject({
      hostId: HOST,
      locked: true,
      hands: [
        { userId: HOST, raisedAt: 10 },
        { userId: BOB, raisedAt: 20 },
      ],
    });
  });

  it('sends chat trimmed, refuses empty text, and shows what the server relays', async () => {
    const { session, socket, features } = await inRoom();
    expect(session.features.sendChat('  hello  ')).toBe(true);
    expect(session.features.sendChat('   ')).toBe(false);
    expect(socket.framesOf('chat')).toEqual([{ type: 'chat', text: 'hello' }]);
    expect(features().chat).toEqual([]);

    socket.receive(chat('<b>hi</b> https://x.test'));
    expect(features().chat).toEqual([
      {
        id: 1,
        senderUserId: BOB,
        displayName: 'bob',
        text: '<b>hi</b> https://x.test',
        sentAt: 1_000,
      },
    ]);
  });

  it('says a chat message did not go out while the connection is down', async () => {
    const { session, socket } = await inRoom();
    socket.drop(1006);
    expect(session.features.sendChat('anyone?')).toBe(false);
  });

  it('keeps only the latest messages of a flood', async () => {
    const { socket, features } = await inRoom();
    for (let i = 0; i < CHAT_HISTORY_LIMIT + 5; i++) socket.receive(chat(`m${i}`));
    expect(features().chat).toHaveLength(CHAT_HISTORY_LIMIT);
    expect(features().chat[0]?.text).toBe('m5');
  });

  it('keeps hands in the order raised, and drops the hand of someone who lowers it or leaves', async () => {
    const { session, socket, features } = await inRoom();
    session.features.setHand(true);
    expect(socket.framesOf('set_hand')).toEqual([{ type: 'set_hand', raised: true }]);
    socket.receive({ type: 'hand_changed', userId: BOB, raised: true, raisedAt: 50 });
    socket.receive({ type: 'hand_changed', userId: ME, raised: true, raisedAt: 60 });
    socket.receive({ type: 'hand_changed', userId: HOST, raised: true, raisedAt: 40 });
    expect(features().hands.map((h) => h.userId)).toEqual([HOST, BOB, ME]);
    socket.receive({ type: 'hand_changed', userId: HOST, raised: false });
    socket.receive({ type: 'user_left', userId: BOB });
    expect(features().hands.map((h) => h.userId)).toEqual([ME]);
  });

  it('sends the host controls as their frames and follows lock changes', async () => {
    const { session, socket, features } = await inRoom();
    session.features.lock(true);
    session.features.remove(BOB);
    session.features.mute(BOB);
    session.features.lowerHand(BOB);
    expect(socket.sent.slice(-4)).toEqual([
      { type: 'lock_room', locked: true },
      { type: 'remove_participant', targetUserId: BOB },
      { type: 'mute_participant', targetUserId: BOB },
      { type: 'lower_hand', targetUserId: BOB },
    ]);
    socket.receive({ type: 'lock_changed', locked: true });
    expect(features().locked).toBe(true);
    socket.receive({ type: 'error', code: 'not_host', message: 'only the host' });
    expect(features().refusedNotHost).toBe(true);
    expect(session.getSnapshot().phase).toBe('joined');
  });

  it('hands on each mute request as a new object', async () => {
    const { socket, features } = await inRoom();
    socket.receive({ type: 'mute_request', senderUserId: HOST });
    const first = features().muteRequest;
    socket.receive({ type: 'mute_request', senderUserId: HOST });
    expect(first).toEqual({ senderUserId: HOST });
    expect(features().muteRequest).not.toBe(first);
  });

  it.each([
    ['being removed', { type: 'removed', roomId: ROOM }, 'removed'],
    ['a refused rejoin after removal', { type: 'error', code: 'removed', message: '' }, 'removed'],
    ['a locked meeting', { type: 'error', code: 'room_locked', message: '' }, 'room_locked'],
  ])('ends the session on %s, closing everything', async (_, frame, failure) => {
    const { session, socket, pcs, clock } = await inRoom();
    socket.receive(frame);
    expect(session.getSnapshot()).toMatchObject({ phase: 'failed', failure, participants: [] });
    expect(pcs.created.every((pc) => pc.closed)).toBe(true);
    expect(socket.closedWith?.code).toBe(1000);
    expect(clock.pendingCount).toBe(0);
    expect(session.features.sendChat('still there?')).toBe(false);
  });

  it('ignores a removal from another room', async () => {
    const { session, socket } = await inRoom();
    socket.receive({ type: 'removed', roomId: '00000000-0000-4000-8000-0000000000f2' });
    expect(session.getSnapshot().phase).toBe('joined');
  });
});
