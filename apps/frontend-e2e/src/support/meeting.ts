import type { Browser, Locator } from 'playwright-core';
import {
  createMeeting,
  displayName,
  expectVideoFlowing,
  joinMeeting,
  recordPeerConnections,
  signUp,
  type Person,
  type PersonOptions,
} from '@qual-meet/browser-testing';
import { newPerson } from './platform';

const open = new Set<Person>();

/** Closes everyone {@link people} made and a test left open (it failed midway). */
export async function closeEveryone(): Promise<void> {
  const list = [...open];
  open.clear();
  await Promise.all(list.map((p) => p.context.close().catch(() => undefined)));
}

/**
 * What the page's peer connections are doing, to say why a wait failed: signaling and
 * connection state, and per transceiver its direction and what it sends and receives.
 */
export function describeCall(person: Person): Promise<unknown> {
  return person.page.evaluate(() =>
    (window as unknown as { __qmPeerConnections: RTCPeerConnection[] }).__qmPeerConnections.map(
      (pc) => ({
        signaling: pc.signalingState,
        connection: pc.connectionState,
        transceivers: pc.getTransceivers().map((t) => ({
          mid: t.mid,
          direction: t.direction,
          current: t.currentDirection,
          sends: t.sender.track?.kind ?? null,
          receives: t.receiver.track.kind,
        })),
      }),
    ),
  );
}

/** Runs `wait`; when it fails, the error says what every participant's connections were doing. */
export async function explained<T>(everyone: Person[], wait: Promise<T>): Promise<T> {
  try {
    return await wait;
  } catch (error) {
    const states = await Promise.all(everyone.map((p) => describeCall(p).catch(() => null)));
    throw new Error(`${(error as Error).message}\ncall state: ${JSON.stringify(states)}`);
  }
}

/** `count` signed-up people of this run's platform, their peer connections recorded. */
export async function people(
  browser: Browser,
  count: number,
  options: PersonOptions & { prepare?: (person: Person, index: number) => Promise<void> } = {},
): Promise<Person[]> {
  const { prepare, ...personOptions } = options;
  const list = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      newPerson(browser, { name: `p${i}x`, ...personOptions }),
    ),
  );
  for (const p of list) open.add(p);
  await Promise.all(
    list.map(async (p, i) => {
      await recordPeerConnections(p.context);
      await prepare?.(p, i);
      await signUp(p);
    }),
  );
  return list;
}

/** `of`'s tile as `viewer` sees it. */
export const tile = (viewer: Person, of: Person): Locator =>
  viewer.page.getByRole('group', { name: displayName(of), exact: true });

/** A host and a guest in a new meeting of `size`, the host seeing the guest's video. */
export async function twoInACall(
  browser: Browser,
  size: number,
): Promise<[Person, Person, string]> {
  const [host, guest] = (await people(browser, 2)) as [Person, Person];
  const roomId = await createMeeting(host, size);
  await joinMeeting(host, roomId);
  await joinMeeting(guest, roomId);
  await expectVideoFlowing(host, guest);
  return [host, guest, roomId];
}
