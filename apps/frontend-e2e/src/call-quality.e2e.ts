import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import {
  createMeeting,
  displayName,
  expectVideoFlowing,
  joinMeeting,
  signUp,
  launchBrowser,
  type Person,
} from '@qual-meet/browser-testing';
import { newPerson } from './support/platform';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());

/** Where to leave screenshots for a person to look at (360 px and 1280 px wide); none unless set. */
const SHOTS = process.env['QM_SCREENSHOT_DIR'];

async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  await mkdir(SHOTS, { recursive: true });
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: width === 360 ? 740 : 800 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png` });
  }
  await page.setViewportSize({ width: 1000, height: 700 });
}

const tile = (viewer: Person, of: Person) =>
  viewer.page.getByRole('group', { name: displayName(of), exact: true });

describe('call quality in a real meeting', () => {
  it('shows link health per tile and in the Connection panel, the speaker, and speaker view', async () => {
    const everyone = await Promise.all(
      ['alice', 'bob', 'carol'].map((name) => newPerson(browser, { name })),
    );
    await Promise.all(everyone.map(signUp));
    const [alice, bob, carol] = everyone as [Person, Person, Person];
    const roomId = await createMeeting(alice, 4);
    for (const person of [alice, bob, carol]) await joinMeeting(person, roomId);
    await expectVideoFlowing(alice, bob);
    await expectVideoFlowing(alice, carol);

    // Loopback host candidates: a direct UDP pair, with a round trip and loss measured.
    for (const other of [bob, carol])
      await tile(alice, other)
        .getByText(/^Direct over UDP, \d+ ms, \d+ % loss$/)
        .waitFor({ timeout: 30_000 });

    await alice.page.getByRole('button', { name: 'Connection', exact: true }).click();
    const panel = alice.page.getByRole('region', { name: 'Connection' });
    for (const other of [bob, carol])
      await panel
        .getByRole('listitem')
        .filter({ hasText: new RegExp(`^${displayName(other)} ↔ you: direct over UDP, \\d+ ms`) })
        .waitFor({ timeout: 30_000 });

    // Chromium's fake microphone beeps: someone is heard, and their tile says so.
    await alice.page
      .locator('.tile--speaking')
      .getByText('Speaking', { exact: true })
      .first()
      .waitFor({ timeout: 30_000 });
    await shoot(alice.page, 'grid');

    await alice.page.getByRole('button', { name: 'Speaker view', exact: true }).click();
    await alice.page.locator('.stage__main .tile').waitFor();
    await alice.page.locator('.stage__strip .tile').first().waitFor();
    await shoot(alice.page, 'speaker');

    await alice.page.getByRole('button', { name: 'Grid view', exact: true }).click();
    await alice.page.locator('.stage--grid').waitFor();
    await Promise.all(everyone.map((person) => person.context.close()));
  });
});
