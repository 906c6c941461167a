import type { Browser } from 'playwright-core';
import {
  createMeeting,
  expectVideoFlowing,
  joinMeeting,
  launchBrowser,
  type Person,
} from '@qual-meet/browser-testing';
import {
  peerConnectionStates,
  startFaultPlatform,
  type FaultPlatform,
} from './support/fault-platform';

let browser: Browser;
let faults: FaultPlatform;
let people: Person[] = [];
beforeAll(async () => {
  [browser, faults] = await Promise.all([launchBrowser(), startFaultPlatform()]);
}, 120_000);
afterEach(async () => {
  await Promise.all(people.map((p) => p.context.close()));
  people = [];
});
afterAll(async () => {
  await browser?.close();
  await faults?.stop();
});

const RETRYING = 'QUAL_MEET is unavailable right now. Trying again…';

async function signedUp(...names: string[]): Promise<Person[]> {
  const list = await Promise.all(names.map((name) => faults.person(browser, name)));
  people.push(...list);
  return list;
}

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
  const [host, guest, late] = (await signedUp('host', 'guest', 'late')) as [Person, Person, Person];
  await twoInACall(host, guest);
  await late.page.getByRole('button', { name: 'Log out' }).click();
  await late.page.getByLabel('Email').fill(late.email);
  await late.page.getByLabel('Password').fill(late.password);

  // An operator's restart: down until it is started again.
  await faults.platform.postgres.halt();
  try {
    await late.page.getByRole('button', { name: 'Log in' }).click();
    const alert = late.page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'QUAL_MEET is unavailable right now. Try again in a minute.',
    );
    await expectVideoFlowing(host, guest);
  } finally {
    await faults.platform.postgres.resume();
  }

  await late.page.getByRole('button', { name: 'Log in' }).click();
  await late.page.getByRole('button', { name: 'New meeting' }).waitFor();
  for (const person of [host, guest])
    expect(await peerConnectionStates(person.page)).toEqual(['connected']);
  await expectVideoFlowing(guest, host);
});

it('retries creating and opening a meeting while the gateway and room-service are restarted, saying so meanwhile', async () => {
  const [host, guest] = (await signedUp('host', 'guest')) as [Person, Person];

  const gatewayDown = faults.next('crashed', 'api-gateway');
  const gatewayBack = faults.next('restarted', 'api-gateway');
  faults.kill('api-gateway');
  await gatewayDown;
  await host.page.getByRole('button', { name: 'New meeting' }).click();
  await host.page.getByText(RETRYING).waitFor();
  await gatewayBack;
  await host.page.waitForURL(/\/room\/[0-9a-f-]{36}$/);
  const roomId = host.page.url().split('/').pop()!;

  const roomsDown = faults.next('crashed', 'room-service');
  const roomsBack = faults.next('restarted', 'room-service');
  faults.kill('room-service');
  await roomsDown;
  await guest.page.goto(`/room/${roomId}`);
  await guest.page.getByText(RETRYING).waitFor();
  await roomsBack;
  await joinMeeting(host, roomId);
  await joinMeeting(guest, roomId);
  await expectVideoFlowing(host, guest);
  await expectVideoFlowing(guest, host);
});
