import {
  createMeeting,
  expectVideoFlowing,
  joinMeeting,
  selectedCandidatePairs,
  signUp,
} from '@qual-meet/browser-testing';
import { LAB_SERVER, onlyTcpTo } from '@qual-meet/netlab';
import { connectionVerdict, openLab, type LabSession } from './support/lab';

jest.setTimeout(180_000);
let session: LabSession;
afterAll(() => session?.close());

it('reaches the app, signaling and the relay all over TCP 443 when nothing else gets out', async () => {
  session = await openLab();
  // Alice's network lets out TCP 443 to the server and nothing else: no UDP, no other port,
  // no other address. Page, API, WebSocket and TURN over TLS all share that one port.
  const alice = await session.person({
    name: 'alice',
    nat: 'endpoint-independent',
    firewall: onlyTcpTo(LAB_SERVER, [443]),
  });
  const bob = await session.person({ name: 'bob', nat: 'endpoint-independent' });
  await Promise.all([signUp(alice), signUp(bob)]);
  expect(new URL(alice.page.url()).origin).toBe(`https://${LAB_SERVER}`);
  const roomId = await createMeeting(bob, 2);
  expect(await connectionVerdict(alice, roomId)).toBe(
    'Only secure web traffic (port 443) gets through — calls will be relayed over TLS',
  );
  await joinMeeting(bob, roomId);
  await joinMeeting(alice, roomId);
  await expectVideoFlowing(alice, bob);
  await expectVideoFlowing(bob, alice);
  const [pair] = await selectedCandidatePairs(alice.page);
  expect(pair?.local).toMatchObject({
    candidateType: 'relay',
    relayProtocol: 'tls',
    url: `turns:${LAB_SERVER}:443?transport=tcp`,
  });
});
