import type { BrowserContext, Page } from 'playwright-core';
import {
  createMeeting,
  displayName,
  expectVideoFlowing,
  joinMeeting,
  useBrowser,
  recordPeerConnections,
  signUp,
  type Person,
} from '@qual-meet/browser-testing';
import { newPerson, signalingNodesInRoom } from './support/platform';

const browser = useBrowser();

/**
 * Cuts this person's media links for good: every RTCPeerConnection may use only relayed
 * candidates and gets no TURN server, so no candidate pair can ever form — what a firewall that
 * drops all media does. Signaling (the WebSocket) is untouched.
 */
async function blockMedia(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const blocked: RTCConfiguration = { iceServers: [], iceTransportPolicy: 'relay' };
    window.RTCPeerConnection = class extends Native {
      constructor(configuration?: RTCConfiguration) {
        super({ ...configuration, ...blocked });
      }
      override setConfiguration(configuration?: RTCConfiguration): void {
        super.setConfiguration({ ...configuration, ...blocked });
      }
    };
  });
}

async function people(names: string[], blocked: string[] = []): Promise<Person[]> {
  const list = await Promise.all(names.map((name) => newPerson(browser(), { name })));
  await Promise.all(
    list.map(async (person, i) => {
      await recordPeerConnections(person.context);
      if (blocked.includes(names[i]!)) await blockMedia(person.context);
      await signUp(person);
    }),
  );
  return list;
}

const button = (page: Page, name: string) => page.getByRole('button', { name, exact: true });
const tile = (viewer: Person, of: Person) =>
  viewer.page.getByRole('group', { name: displayName(of), exact: true });

/** Opens the chat panel if it is closed. */
async function openChat(person: Person): Promise<void> {
  const toggle = button(person.page, 'Chat');
  if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
}

/** Sends `text` from the chat panel with Enter. */
async function sendChat(person: Person, text: string): Promise<void> {
  await openChat(person);
  const box = person.page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** Waits until `viewer`'s chat log shows `text` from `sender` ("You" for their own). */
async function expectChat(viewer: Person, sender: string, text: string): Promise<void> {
  await openChat(viewer);
  const log = viewer.page.getByRole('log');
  await log
    .getByRole('listitem')
    .filter({ hasText: sender })
    .filter({ hasText: text })
    .waitFor({ state: 'attached', timeout: 15_000 });
}

/** The states of the page's peer connections. */
const iceStates = (person: Person) =>
  person.page.evaluate(() =>
    (window as unknown as { __qmPeerConnections: RTCPeerConnection[] }).__qmPeerConnections.map(
      (pc) => pc.iceConnectionState,
    ),
  );

it('relays chat between three people on both signaling nodes, also to one whose media is blocked', async () => {
  const [host, bob, carol] = (await people(
    ['chathost', 'chatbob', 'chatcarol'],
    ['chatcarol'],
  )) as [Person, Person, Person];
  const roomId = await createMeeting(host, 3);
  await joinMeeting(host, roomId);
  await joinMeeting(bob, roomId);
  await joinMeeting(carol, roomId);
  await expectVideoFlowing(host, bob);
  await expectVideoFlowing(bob, host);
  expect((await signalingNodesInRoom(roomId)).size).toBe(2);

  // Bob has not opened the chat: the host's message shows as unread there.
  await sendChat(host, 'hello <b>all</b> https://example.com/x');
  await expectChat(host, 'You', 'hello <b>all</b> https://example.com/x');
  await bob.page.waitForFunction(() => {
    const chat = [...document.querySelectorAll('button')].find((b) =>
      b.textContent?.startsWith('Chat'),
    );
    return chat?.querySelector('.badge')?.textContent === '1';
  });
  await expectChat(bob, displayName(host), 'hello <b>all</b> https://example.com/x');
  expect(await bob.page.getByRole('log').locator('b, a').count()).toBe(0);
  await expectChat(carol, displayName(host), 'hello <b>all</b>');

  // Carol's media never connects, her chat still reaches everyone and theirs reaches her.
  await sendChat(carol, 'I cannot see you but I can write');
  await expectChat(host, displayName(carol), 'I cannot see you but I can write');
  await expectChat(bob, displayName(carol), 'I cannot see you but I can write');
  await sendChat(bob, 'we read you, carol');
  await expectChat(carol, displayName(bob), 'we read you, carol');
  const carolStates = await iceStates(carol);
  expect(carolStates.length).toBeGreaterThanOrEqual(2);
  expect(carolStates.filter((s) => s === 'connected' || s === 'completed')).toEqual([]);
  const framesOfCarol = await host.page
    .getByLabel(`Video of ${displayName(carol)}`, { exact: true })
    .evaluate((v) => (v as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames);
  expect(framesOfCarol).toBe(0);

  // Someone who joins later does not see the earlier messages.
  await button(carol.page, 'Leave').click();
  await carol.page.getByRole('heading', { name: 'You left the meeting' }).waitFor();
  await button(carol.page, 'Rejoin').click();
  await joinMeeting(carol, roomId);
  await openChat(carol);
  await carol.page.getByRole('log').getByText('No messages yet.').waitFor();

  await Promise.all([host, bob, carol].map((p) => p.context.close()));
}, 180_000);

it('lets people raise and lower hands and the host mute, lock, and remove for good', async () => {
  const [host, bob, dave] = (await people(['modhost', 'modbob', 'moddave'])) as [
    Person,
    Person,
    Person,
  ];
  const roomId = await createMeeting(host, 4);
  await joinMeeting(host, roomId);
  await joinMeeting(bob, roomId);
  await expectVideoFlowing(host, bob);

  // Hands: bob raises, everyone sees it on his tile and in the list; the host lowers it.
  await button(bob.page, 'Raise hand').click();
  await button(bob.page, 'Lower hand').waitFor();
  await tile(host, bob).getByText('Hand raised').waitFor();
  const hands = host.page.getByRole('region', { name: 'Raised hands' });
  await hands.getByText(displayName(bob)).waitFor();
  await button(host.page, `Lower ${displayName(bob)}'s hand`).click();
  await button(bob.page, 'Raise hand').waitFor();
  await tile(host, bob).getByText('Hand raised').waitFor({ state: 'detached' });
  // And bob can raise and lower his own with H.
  await bob.page.keyboard.press('h');
  await button(bob.page, 'Lower hand').waitFor();
  await bob.page.keyboard.press('h');
  await button(bob.page, 'Raise hand').waitFor();

  // Mute: bob's microphone goes off, he is told, the host sees him muted; only bob unmutes.
  await button(host.page, `Mute ${displayName(bob)}`).click();
  await button(bob.page, 'Unmute').waitFor();
  await bob.page.getByText(/The host muted your microphone/).waitFor();
  expect(
    await bob.page
      .getByLabel('Your video', { exact: true })
      .evaluate(
        (v) =>
          (v as HTMLVideoElement).srcObject instanceof MediaStream &&
          ((v as HTMLVideoElement).srcObject as MediaStream)
            .getAudioTracks()
            .every((t) => !t.enabled),
      ),
  ).toBe(true);
  await tile(host, bob).getByText('Muted', { exact: true }).waitFor();
  await button(bob.page, 'Unmute').click();
  await tile(host, bob).getByText('Muted', { exact: true }).waitFor({ state: 'detached' });

  // Lock: a newcomer is refused with the reason; after unlocking they get in.
  await button(host.page, 'Lock meeting').click();
  await button(host.page, 'Unlock meeting').waitFor();
  await bob.page.getByText(/The host locked this meeting/).waitFor();
  await dave.page.goto(`/room/${roomId}`);
  await button(dave.page, 'Join').click();
  await dave.page.getByRole('heading', { name: 'This meeting is locked' }).waitFor();
  await button(host.page, 'Unlock meeting').click();
  await button(host.page, 'Lock meeting').waitFor();
  await button(dave.page, 'Try again').click();
  await joinMeeting(dave, roomId);
  await expectVideoFlowing(host, dave);

  // Remove: bob is told, leaves every screen, and cannot come back, not even after a reload.
  await button(host.page, `Remove ${displayName(bob)}`).click();
  await host.page
    .getByRole('alertdialog')
    .getByRole('button', { name: 'Remove', exact: true })
    .click();
  await bob.page.getByRole('heading', { name: 'The host removed you from this meeting' }).waitFor();
  await tile(host, bob).waitFor({ state: 'detached' });
  await tile(dave, bob).waitFor({ state: 'detached' });
  await bob.page.goto(`/room/${roomId}`);
  await button(bob.page, 'Join').click();
  await bob.page.getByRole('heading', { name: 'The host removed you from this meeting' }).waitFor();
  expect(await tile(host, bob).count()).toBe(0);

  await Promise.all([host, bob, dave].map((p) => p.context.close()));
}, 180_000);
