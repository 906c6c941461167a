import { openLab as openLabAt, type LabSession, type Person } from '@qual-meet/browser-testing';
import { platform } from './platform';

export type { LabPerson, LabSession } from '@qual-meet/browser-testing';

/** A network lab around this run's platform (the e2e namespace is its core). */
export function openLab(): Promise<LabSession> {
  const { httpsUrl, publicUrl } = platform();
  return openLabAt({ https: httpsUrl, http: publicUrl });
}

/**
 * The verdict of the pre-join connection check of `roomId`, once it has one (the page is then on
 * the pre-join step).
 */
export async function connectionVerdict(person: Person, roomId: string): Promise<string> {
  const { page } = person;
  if (!page.url().endsWith(`/room/${roomId}`)) await page.goto(`/room/${roomId}`);
  const verdict = page
    .getByRole('region', { name: 'Connection check' })
    .getByRole('status')
    .filter({ hasNotText: 'Checking' });
  await verdict.waitFor({ timeout: 30_000 });
  return (await verdict.textContent()) ?? '';
}
