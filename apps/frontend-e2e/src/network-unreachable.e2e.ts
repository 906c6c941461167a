import {
  createMeeting,
  displayName,
  expectVideoFlowing,
  joinMeeting,
  signUp,
} from '@qual-meet/browser-testing';
import { LAB_SERVER, noRelayAndNot, OPEN } from '@qual-meet/netlab';
import { connectionVerdict, openLab, type LabPerson, type LabSession } from './support/lab';
import { platform } from './support/platform';

jest.setTimeout(240_000);
let session: LabSession;
afterAll(() => session?.close());

const alertAbout = (person: LabPerson, other: LabPerson) =>
  person.page.getByRole('alert').filter({ hasText: `Can't connect to ${displayName(other)}` });

it('tells two people who cannot reach each other so, keeps the other pairs, and recovers by itself', async () => {
  session = await openLab();
  const appPort = Number(new URL(platform().publicUrl).port);
  // Carol is on an open network; Alice and Bob reach the app's port but no STUN or TURN, and
  // their networks drop each other's traffic: no path between them, not even a relay.
  const carol = await session.person({ name: 'carol', nat: 'none' });
  const alice = await session.person({
    name: 'alice',
    nat: 'endpoint-independent',
    origin: 'http',
  });
  const bob = await session.person({ name: 'bob', nat: 'endpoint-independent', origin: 'http' });
  await alice.client.setFirewall(noRelayAndNot(LAB_SERVER, [appPort], [bob.client.outsideAddress]));
  await bob.client.setFirewall(noRelayAndNot(LAB_SERVER, [appPort], [alice.client.outsideAddress]));
  await Promise.all([signUp(carol), signUp(alice), signUp(bob)]);
  const roomId = await createMeeting(carol, 3);
  for (const person of [alice, bob])
    expect(await connectionVerdict(person, roomId)).toBe(
      'No relay reachable — you can only reach people on open networks',
    );
  await joinMeeting(carol, roomId);
  await joinMeeting(alice, roomId);
  await joinMeeting(bob, roomId);

  // The other pairs are unaffected.
  for (const [person, other] of [
    [carol, alice],
    [alice, carol],
    [carol, bob],
    [bob, carol],
  ] as const)
    await expectVideoFlowing(person, other, 60_000);
  // Both of the cut-off pair are told, with what to try.
  await alertAbout(alice, bob).waitFor({ timeout: 120_000 });
  await alertAbout(bob, alice).waitFor({ timeout: 120_000 });
  expect(await alertAbout(alice, bob).textContent()).toMatch(/try another network/);

  // The networks open up: the call between them comes by itself, no one rejoins.
  await alice.client.setFirewall(OPEN);
  await bob.client.setFirewall(OPEN);
  await expectVideoFlowing(alice, bob, 90_000);
  await expectVideoFlowing(bob, alice, 90_000);
  await alertAbout(alice, bob).waitFor({ state: 'detached', timeout: 30_000 });
  await expectVideoFlowing(carol, alice);
});
