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
