import { freePort } from '@qual-meet/local-servers';
import {
  createMeeting,
  expectVideoFlowing,
  joinMeeting,
  openLab,
  selectedCandidatePairs,
  signUp,
  videoFlowsBothWays,
  type LabSession,
} from '@qual-meet/browser-testing';
import { prepareLabCore } from '@qual-meet/netlab';
import { generateStackSecrets, startPlatform, type Platform } from '@qual-meet/stack';
import type { Page } from 'playwright-core';

// Case 5 with relaying and short-lived TURN credentials: a platform of this suite's own (on a
// second lab address) issues credentials for 20 s, so the address change comes after the first
// ones expired, and the relay only accepts the allocation of the restart if the SPA refetched.
const SERVER = '198.18.0.2';
const TTL_SECONDS = 20;

jest.setTimeout(300_000);
let platform: Platform | undefined;
let session: LabSession | undefined;
beforeAll(async () => {
  await prepareLabCore(SERVER);
  platform = await startPlatform({
    mode: 'bundle',
    local: true,
    logLevel: 'warn',
    secrets: generateStackSecrets(),
    publicHost: SERVER,
    // 5349 on loopback is the shared platform's.
    ports: { https: 443, turnTls: await freePort() },
    envByService: { 'turn-credential-service': { TURN_TTL_SECONDS: String(TTL_SECONDS) } },
  });
}, 180_000);
afterAll(async () => {
  await session?.close();
  await platform?.stop();
});

/** The expiry (unix s) in the TURN username the page's call connection gathers with now. */
const turnExpiryOf = (page: Page) =>
  page.evaluate(() => {
    const [pc] = (window as unknown as { __qmPeerConnections: RTCPeerConnection[] })
      .__qmPeerConnections;
    const turn = pc?.getConfiguration().iceServers?.find((server) => server.username);
    return Number(turn?.username?.split(':')[0] ?? 0);
  });

it('restarts ICE with fresh TURN credentials when the old ones expired before the move', async () => {
  session = await openLab({
    https: platform!.httpsUrl!,
    http: platform!.publicUrl!,
    server: SERVER,
  });
  // Alice may only relay: her restart needs a new allocation, which expired credentials cannot get.
  const alice = await session.person({ name: 'alice', nat: 'symmetric', relayOnly: true });
  const bob = await session.person({ name: 'bob', nat: 'endpoint-independent' });
  let iceFetches = 0;
  alice.page.on('request', (request) => {
    if (request.url().endsWith('/api/ice-servers')) iceFetches += 1;
  });
  await Promise.all([signUp(alice), signUp(bob)]);
  const roomId = await createMeeting(alice, 2);
  await joinMeeting(alice, roomId);
  await joinMeeting(bob, roomId);
  await expectVideoFlowing(alice, bob);
  await expectVideoFlowing(bob, alice);
  const firstExpiry = await turnExpiryOf(alice.page);
  const fetchesAtJoin = iceFetches;

  // The first credentials expire; the SPA has refetched before (at 80 % of the ttl).
  await alice.page.waitForFunction((expiry) => Date.now() / 1000 > expiry + 1, firstExpiry, {
    timeout: (TTL_SECONDS + 10) * 1000,
    polling: 500,
  });
  const movedAtSeconds = Date.now() / 1000;
  expect(firstExpiry).toBeLessThan(movedAtSeconds);
  expect(iceFetches).toBeGreaterThan(fetchesAtJoin);
  const freshExpiry = await turnExpiryOf(alice.page);
  expect(freshExpiry).toBeGreaterThan(movedAtSeconds);

  await alice.client.changeAddress();
  await videoFlowsBothWays(alice, bob);
  // Relayed through an allocation made after the move, with the credentials fetched last.
  const [after] = await selectedCandidatePairs(alice.page);
  expect(after?.local.candidateType).toBe('relay');
  expect(await turnExpiryOf(alice.page)).toBeGreaterThanOrEqual(freshExpiry);
});
