import {
  createMeeting,
  expectVideoFlowing,
  joinMeeting,
  presenceInRoom,
  type Person,
  type RoomPresence,
} from '@qual-meet/browser-testing';
import { eventually } from '@qual-meet/testing';
import { peerConnectionStates, faultSuite, tileOf } from './support/fault-platform';

const suite = faultSuite();

/** The promise: whoever lost their signaling socket is connected again within 10 s. */
const BACK_WITHIN_MS = 10_000;

const presence = (roomId: string) => presenceInRoom(suite.faults.platform.redis.url(), roomId);

/** Every pair of a group sees and hears each other. */
async function allSeeEachOther(group: Person[]): Promise<void> {
  await Promise.all(
    group.flatMap((viewer) =>
      group.filter((o) => o !== viewer).map((other) => expectVideoFlowing(viewer, other)),
    ),
  );
}

/** Each person sees exactly one tile of each other one. */
async function expectOneTileEach(group: Person[]): Promise<void> {
  for (const viewer of group)
    for (const other of group.filter((o) => o !== viewer))
      expect(await tileOf(viewer, other).count()).toBe(1);
}

/** Three people in a new meeting for four, seeing each other, spread over both nodes. */
async function threeInACall(): Promise<{ roomId: string; trio: Person[]; fourth: Person }> {
  const [host, bob, carol, dave] = await suite.people('host', 'bob', 'carol', 'dave');
  const roomId = await createMeeting(host!, 4);
  const trio = [host!, bob!, carol!];
  for (const person of trio) await joinMeeting(person, roomId);
  await allSeeEachOther(trio);
  return { roomId, trio, fourth: dave! };
}

/**
 * After the fault: the media links made before it are the ones still carrying the call (none
 * closed, none added), nobody's screen says the connection is lost, no tile is missing or
 * doubled; then a newcomer meets everyone and a leaver disappears for everyone.
 */
async function callCarriesOn(roomId: string, trio: Person[], fourth: Person): Promise<void> {
  for (const person of trio)
    expect(await peerConnectionStates(person.page)).toEqual(['connected', 'connected']);
  await allSeeEachOther(trio);
  await expectOneTileEach(trio);

  await joinMeeting(fourth, roomId);
  const four = [...trio, fourth];
  await allSeeEachOther(four);
  await expectOneTileEach(four);

  const [leaver, ...stay] = [trio[2]!, trio[0]!, trio[1]!, fourth];
  await leaver.page.getByRole('button', { name: 'Leave', exact: true }).click();
  await Promise.all(stay.map((viewer) => tileOf(viewer, leaver).waitFor({ state: 'detached' })));
  await expectOneTileEach(stay);
}

/**
 * Everyone in `before` is present again within the promised time, those who were on `lostNode`
 * on a new socket (the old one's presence outlives it until its TTL).
 */
function everyoneBack(roomId: string, before: RoomPresence, lostNode?: string) {
  return eventually(
    `all ${before.size} members are connected again`,
    () => presence(roomId),
    (now) =>
      [...before].every(([userId, was]) => {
        const p = now.get(userId);
        return p !== undefined && (was.node !== lostNode || p.socket !== was.socket);
      }),
    BACK_WITHIN_MS,
  );
}

it('keeps a three-way call going when a signaling node is SIGKILLed: its people are back within 10 s, a newcomer meets all, a leaver goes', async () => {
  const { roomId, trio, fourth } = await threeInACall();
  const before = await presence(roomId);
  expect(new Set([...before.values()].map((p) => p.node))).toEqual(
    new Set(['signaling-1', 'signaling-2']),
  );

  const restarted = suite.faults.next('restarted', 'signaling-1');
  suite.faults.kill('signaling-1');
  // Those whose socket was on the dead node reconnect through nginx, to the other node or to
  // the restarted one; the others' sockets never moved.
  const after = await everyoneBack(roomId, before, 'signaling-1');
  for (const [userId, was] of before)
    if (was.node === 'signaling-2') expect(after.get(userId)).toEqual(was);
  await restarted;
  for (const person of trio)
    await person.page.getByText('Connection lost', { exact: false }).waitFor({ state: 'detached' });

  await callCarriesOn(roomId, trio, fourth);
});

it('keeps a three-way call going through a Redis restart, and lets people join once Redis is back', async () => {
  const { roomId, trio, fourth } = await threeInACall();
  const before = await presence(roomId);

  const restarted = suite.faults.next('restarted', 'redis');
  suite.faults.kill('redis');
  await restarted;
  // Redis keeps nothing on disk: the nodes put their members back once it answers again.
  await everyoneBack(roomId, before);
  for (const person of trio)
    await person.page.getByText('Connection lost', { exact: false }).waitFor({ state: 'detached' });

  await callCarriesOn(roomId, trio, fourth);
});
