import {
  createMeeting,
  expectVideoFlowing,
  joinMeeting,
  type Person,
} from '@qual-meet/browser-testing';
import { peerConnectionStates, faultSuite } from './support/fault-platform';

const suite = faultSuite();

const RETRYING = 'QUAL_MEET is unavailable right now. Trying again…';

/** Two people in a call, each seeing the other. */
async function twoInACall(host: Person, guest: Person): Promise<string> {
  const roomId = await createMeeting(host, 2);
  await joinMeeting(host, roomId);
  await joinMeeting(guest, roomId);
  await expectVideoFlowing(host, guest);
  await expectVideoFlowing(guest, host);
  return roomId;
}

it('says plainly that logging in is unavailable while PostgreSQL restarts, lets it work after, and leaves calls alone', async () => {
  const [host, guest, late] = (await suite.people('host', 'guest', 'late')) as [
    Person,
    Person,
    Person,
  ];
  await twoInACall(host, guest);
  await late.page.getByRole('button', { name: 'Log out' }).click();
  await late.page.getByLabel('Email').fill(late.email);
  await late.page.getByLabel('Password').fill(late.password);

  // An operator's restart: down until it is started again.
  await suite.faults.platform.postgres.halt();
  try {
    await late.page.getByRole('button', { name: 'Log in' }).click();
    const alert = late.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'QUAL_MEET is unavailable right now. Try again in a minute.',
    );
    await expectVideoFlowing(host, guest);
  } finally {
    await suite.faults.platform.postgres.resume();
  }

  await late.page.getByRole('button', { name: 'Log in' }).click();
  await late.page.getByRole('button', { name: 'New meeting' }).waitFor();
  for (const person of [host, guest])
    expect(await peerConnectionStates(person.page)).toEqual(['connected']);
  await expectVideoFlowing(guest, host);
});

it('retries creating and opening a meeting while the gateway and room-service are restarted, saying so meanwhile', async () => {
  const [host, guest] = (await suite.people('host', 'guest')) as [Person, Person];

  const gatewayDown = suite.faults.next('crashed', 'api-gateway');
  const gatewayBack = suite.faults.next('restarted', 'api-gateway');
  suite.faults.kill('api-gateway');
  await gatewayDown;
  await host.page.getByRole('button', { name: 'New meeting' }).click();
  await host.page.getByText(RETRYING).waitFor();
  await gatewayBack;
  await host.page.waitForURL(/\/room\/[0-9a-f-]{36}$/);
  const roomId = host.page.url().split('/').pop()!;

  const roomsDown = suite.faults.next('crashed', 'room-service');
  const roomsBack = suite.faults.next('restarted', 'room-service');
  suite.faults.kill('room-service');
  await roomsDown;
  await guest.page.goto(`/room/${roomId}`);
  await guest.page.getByText(RETRYING).waitFor();
  await roomsBack;
  await joinMeeting(host, roomId);
  await joinMeeting(guest, roomId);
  await expectVideoFlowing(host, guest);
  await expectVideoFlowing(guest, host);
});
