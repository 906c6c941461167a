import {
  createMeeting,
  expectVideoFlowing,
  joinMeeting,
  selectedCandidatePairs,
  signUp,
} from '@qual-meet/browser-testing';
import { UDP_BLOCKED } from '@qual-meet/netlab';
import { connectionVerdict, openLab, type LabPerson, type LabSession } from './support/lab';

// The network lab (docs/NETWORKS.md): each person behind a router of their own, the platform
// at 198.18.0.1. Every case asserts the candidate pair ICE chose and frames both ways.

jest.setTimeout(180_000);
let session: LabSession;
afterEach(() => session?.close());

const DIRECT = 'Direct connections work';

/** A call from the pre-join step on, checking what each one's connection check says first. */
async function callBetween(
  host: LabPerson,
  guest: LabPerson,
  verdicts: [host: string, guest: string],
): Promise<void> {
  await Promise.all([signUp(host), signUp(guest)]);
  const roomId = await createMeeting(host, 2);
  expect([await connectionVerdict(host, roomId), await connectionVerdict(guest, roomId)]).toEqual(
    verdicts,
  );
  await joinMeeting(host, roomId);
  await joinMeeting(guest, roomId);
  await expectVideoFlowing(host, guest);
  await expectVideoFlowing(guest, host);
}

it('connects two people behind endpoint-independent NAT directly (srflx), never through the relay', async () => {
  session = await openLab();
  const alice = await session.person({ name: 'alice', nat: 'endpoint-independent' });
  const bob = await session.person({ name: 'bob', nat: 'endpoint-independent' });
  await callBetween(alice, bob, [DIRECT, DIRECT]);
  for (const person of [alice, bob]) {
    const [pair, ...others] = await selectedCandidatePairs(person.page);
    expect(others).toEqual([]);
    expect(pair?.local.candidateType).not.toBe('relay');
    expect(pair?.remote.candidateType).not.toBe('relay');
    expect([pair?.local.candidateType, pair?.remote.candidateType]).toContain('srflx');
    expect(pair?.local.protocol).toBe('udp');
  }
});

it('relays two people behind symmetric NAT through coturn over UDP', async () => {
  session = await openLab();
  const alice = await session.person({ name: 'alice', nat: 'symmetric' });
  const bob = await session.person({ name: 'bob', nat: 'symmetric' });
  // UDP gets out; only the mapping is useless to a peer, which no check of one's own can tell.
  await callBetween(alice, bob, [DIRECT, DIRECT]);
  for (const person of [alice, bob]) {
    const pairs = await selectedCandidatePairs(person.page);
    expect(pairs).toHaveLength(1);
    const [pair] = pairs;
    // One side's relay is enough: the other reaches it from whatever port its NAT picks.
    expect([pair?.local.candidateType, pair?.remote.candidateType]).toContain('relay');
    if (pair?.local.candidateType === 'relay') expect(pair.local.relayProtocol).toBe('udp');
  }
});

it('relays a person whose network blocks UDP over TURN/TCP', async () => {
  session = await openLab();
  const alice = await session.person({
    name: 'alice',
    nat: 'endpoint-independent',
    firewall: UDP_BLOCKED,
  });
  const bob = await session.person({ name: 'bob', nat: 'endpoint-independent' });
  await callBetween(alice, bob, ['UDP is blocked here — calls will be relayed over TCP', DIRECT]);
  const [alicePair] = await selectedCandidatePairs(alice.page);
  expect(alicePair?.local).toMatchObject({ candidateType: 'relay', relayProtocol: 'tcp' });
  const [bobPair] = await selectedCandidatePairs(bob.page);
  expect(bobPair?.remote.candidateType).toBe('relay');
});
