import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMeeting,
  displayName,
  expectScreenFlowing,
  expectVideoFlowing,
  joinMeeting,
  useBrowser,
  peerConnectionCount,
  plugInCamera,
  withoutCamera,
  type Person,
} from '@qual-meet/browser-testing';
import { closeEveryone, explained, people, tile, twoInACall } from './support/meeting';

/** The machine is shared: a call with shares takes long under load; no test waits on a timer. */
const SLOW_TEST_MS = 240_000;

const browser = useBrowser();
afterEach(closeEveryone);

const button = (person: Person, name: string) =>
  person.page.getByRole('button', { name, exact: true });
const screenTile = (viewer: Person, of: Person) =>
  viewer.page.getByRole('group', { name: `${displayName(of)}'s screen`, exact: true });

/** Where screenshots for a person to look at go, when `QM_E2E_SCREENSHOTS` asks for them. */
async function screenshot(person: Person, name: string): Promise<void> {
  const dir = process.env['QM_E2E_SCREENSHOTS'];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  for (const width of [360, 1280]) {
    await person.page.setViewportSize({ width, height: width === 360 ? 740 : 800 });
    await person.page.screenshot({ path: join(dir, `${name}-${width}.png`) });
  }
  await person.page.setViewportSize({ width: 1000, height: 700 });
}

it(
  'sends a camera turned on mid-call by someone who joined without one, with no rejoin',
  async () => {
    const [host, bob] = (await people(browser(), 2, {
      prepare: (person, index) => (index === 1 ? withoutCamera(person.context) : Promise.resolve()),
    })) as [Person, Person];
    const roomId = await createMeeting(host, 2);
    await joinMeeting(host, roomId);
    await joinMeeting(bob, roomId);
    await tile(host, bob).getByText('Camera off', { exact: true }).waitFor();
    await tile(host, bob).getByText('Connected', { exact: true }).waitFor();
    expect(await peerConnectionCount(host.page)).toBe(1);

    await plugInCamera(bob.page);
    await button(bob, 'Turn camera on').click();
    await button(bob, 'Turn camera off').waitFor();
    await expectVideoFlowing(host, bob);
    await tile(host, bob).getByText('Camera off', { exact: true }).waitFor({ state: 'detached' });
    // The same connections carried it: nobody rejoined.
    expect(await peerConnectionCount(host.page)).toBe(1);
    expect(await peerConnectionCount(bob.page)).toBe(1);
    await expectVideoFlowing(bob, host);

    await Promise.all([host, bob].map((p) => p.context.close()));
  },
  SLOW_TEST_MS,
);

it(
  'shares screens both ways beside the cameras, ended by the button or the browser',
  async () => {
    const [host, bob] = await twoInACall(browser(), 2);

    await button(host, 'Share screen').click();
    await expectScreenFlowing(bob, host);
    expect(await screenTile(bob, host).getAttribute('data-featured')).toBe('true');
    await expectVideoFlowing(bob, host);
    await screenshot(bob, 'screen-share-viewer');
    await screenshot(host, 'screen-share-sharer');

    await button(bob, 'Share screen').click();
    await expectScreenFlowing(host, bob);
    await expectScreenFlowing(bob, host);

    // Stop by the button, and by the browser's own stop (the capture track ends).
    await button(host, 'Stop sharing').click();
    await screenTile(bob, host).waitFor({ state: 'detached' });
    await bob.page.evaluate(() => {
      const video = document.querySelector(
        'video[aria-label="Your shared screen"]',
      ) as HTMLVideoElement;
      (video.srcObject as MediaStream).getVideoTracks()[0]?.dispatchEvent(new Event('ended'));
    });
    await button(bob, 'Share screen').waitFor();
    await screenTile(host, bob).waitFor({ state: 'detached' });
    await expectVideoFlowing(host, bob);
    expect(await peerConnectionCount(host.page)).toBe(1);

    await Promise.all([host, bob].map((p) => p.context.close()));
  },
  SLOW_TEST_MS,
);

it(
  'delivers both screens when two people start sharing at the same moment',
  async () => {
    const [host, bob] = await twoInACall(browser(), 2);
    // Glare: both renegotiate at once; the polite side rolls back, and both shares arrive.
    await Promise.all([button(host, 'Share screen').click(), button(bob, 'Share screen').click()]);
    await explained(
      [host, bob],
      Promise.all([expectScreenFlowing(host, bob), expectScreenFlowing(bob, host)]),
    );
    await Promise.all([expectVideoFlowing(host, bob), expectVideoFlowing(bob, host)]);
    expect(await peerConnectionCount(host.page)).toBe(1);
    expect(await peerConnectionCount(bob.page)).toBe(1);

    await Promise.all([host, bob].map((p) => p.context.close()));
  },
  SLOW_TEST_MS,
);

it(
  'gives someone who joins late the screen that is being shared',
  async () => {
    const [host, bob, roomId] = await twoInACall(browser(), 3);
    const [carol] = (await people(browser(), 1)) as [Person];
    await button(host, 'Share screen').click();
    await expectScreenFlowing(bob, host);

    await joinMeeting(carol, roomId);
    await explained([host, carol], expectScreenFlowing(carol, host));
    await expectVideoFlowing(carol, host);
    await expectVideoFlowing(carol, bob);

    await Promise.all([host, bob, carol].map((p) => p.context.close()));
  },
  SLOW_TEST_MS,
);

it(
  'keeps mute and camera-off across a reload, and visibly ends a share the reload stopped',
  async () => {
    const [host, bob] = await twoInACall(browser(), 2);
    await button(bob, 'Mute').click();
    await button(bob, 'Share screen').click();
    await expectScreenFlowing(host, bob);
    await tile(host, bob).getByText('Muted', { exact: true }).waitFor();

    await bob.page.reload();
    await bob.page.getByRole('region', { name: 'Call controls' }).waitFor();
    await button(bob, 'Unmute').waitFor();
    await bob.page.getByText(/Your screen share ended when the page reloaded/).waitFor();
    await expectVideoFlowing(host, bob);
    await screenTile(host, bob).waitFor({ state: 'detached' });
    await tile(host, bob).getByText('Muted', { exact: true }).waitFor();

    await Promise.all([host, bob].map((p) => p.context.close()));
  },
  SLOW_TEST_MS,
);
