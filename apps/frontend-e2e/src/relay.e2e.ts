import type { Page } from 'playwright-core';
import {
  createMeeting,
  expectVideoFlowing,
  joinMeeting,
  useBrowser,
  recordPeerConnections,
  signUp,
} from '@qual-meet/browser-testing';
import { newPerson } from './support/platform';

const browser = useBrowser();

/** Candidate types of the selected pair of each peer connection on the page. */
function selectedPairTypes(page: Page) {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __qmPeerConnections: RTCPeerConnection[] })
      .__qmPeerConnections;
    const result: { local?: string; remote?: string }[] = [];
    for (const pc of pcs.filter((p) => p.connectionState === 'connected')) {
      const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
      const transport = stats.find((s) => s.type === 'transport');
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
      const local = stats.find((s) => s.id === pair?.localCandidateId);
      const remote = stats.find((s) => s.id === pair?.remoteCandidateId);
      result.push({
        local: local?.candidateType as string,
        remote: remote?.candidateType as string,
      });
    }
    return result;
  });
}

it('connects through coturn with the issued credentials when only relaying is allowed', async () => {
  const host = await newPerson(browser(), { relayOnly: true, name: 'relayhost' });
  const guest = await newPerson(browser(), { relayOnly: true, name: 'relayguest' });
  for (const p of [host, guest]) {
    await recordPeerConnections(p.context);
    await signUp(p);
  }
  const roomId = await createMeeting(host, 2);
  await joinMeeting(host, roomId);
  await joinMeeting(guest, roomId);
  await expectVideoFlowing(host, guest);
  await expectVideoFlowing(guest, host);
  for (const page of [host.page, guest.page]) {
    const pairs = await selectedPairTypes(page);
    expect(pairs).toEqual([{ local: 'relay', remote: 'relay' }]);
  }
  await Promise.all([host.context.close(), guest.context.close()]);
});

it('still relays for someone who joins six times within a minute: one credential fetch per join', async () => {
  // Issuance is limited to 10 per user a minute. The connection check and the join share one
  // fetch, so six joins (each a fresh page load) stay under it; two fetches a join would be
  // refused from the sixth join on, which then has no relay and, relay-only, no call.
  const host = await newPerson(browser(), { relayOnly: true, name: 'rejoinhost' });
  const guest = await newPerson(browser(), { relayOnly: true, name: 'rejoinguest' });
  const refused: string[] = [];
  guest.page.on('response', (response) => {
    if (response.url().endsWith('/api/ice-servers') && response.status() !== 200)
      refused.push(String(response.status()));
  });
  for (const p of [host, guest]) await signUp(p);
  const roomId = await createMeeting(host, 2);
  await joinMeeting(host, roomId);
  for (let join = 0; join < 6; join++) {
    await guest.page.goto('/');
    await joinMeeting(guest, roomId);
    await expectVideoFlowing(host, guest);
    await expectVideoFlowing(guest, host);
    // Left on purpose, so the next load shows the pre-join step (and its connection check).
    await guest.page.getByRole('button', { name: 'Leave', exact: true }).click();
    await guest.page.getByRole('heading', { name: 'You left the meeting' }).waitFor();
  }
  expect(refused).toEqual([]);
  await Promise.all([host.context.close(), guest.context.close()]);
});
