import type { UplinkShape } from '@qual-meet/netlab';
import {
  inboundWindow,
  readInbound,
  type InboundCounters,
  type InboundWindow,
} from './inbound-media';
import { wireDirectMesh } from './direct-mesh';
import { openLab, type LabOrigins, type LabPerson, type LabSession } from './lab-people';
import { createMeeting, displayName, expectVideoFlowing, joinMeeting, signUp } from './people';

export interface WeakUplinkMeetingOptions {
  origins: LabOrigins;
  /** People in the meeting, the weak one included. */
  size: number;
  /** False joins everyone with `?uploadBudget=off` (each link's own congestion control alone). */
  uploadBudget: boolean;
  /** The busy camera clip every browser plays (`writeSyntheticCamera`). */
  videoFile: string;
}

/** What one person receives of another over a window. */
export interface Reception {
  receiver: string;
  sender: string;
  window: InboundWindow;
  /** The receiver's tile of the sender says "Video paused to keep audio …". */
  videoPausedNotice: boolean;
}

/** A meeting in the network lab where one person's uplink can be capped. */
export interface WeakUplinkMeeting {
  session: LabSession;
  /** The person whose uplink {@link shapeWeakUplink} caps, on a machine of their own. */
  weak: LabPerson;
  /** Everyone else, sharing one machine (one Chromium, a context each) whose uplink stays free. */
  others: LabPerson[];
  everyone: LabPerson[];
  shapeWeakUplink(shape: UplinkShape): Promise<void>;
  /** What every person receives of every other over the next `windowMs`. */
  measure(windowMs: number): Promise<Reception[]>;
  close(): Promise<void>;
}

const NOTICE = /^Video paused to keep audio/;

/** Connection, ICE and signaling state of each recorded peer connection, for a failure message. */
function connectionStates(person: LabPerson): Promise<string> {
  return person.page.evaluate(() =>
    (window as unknown as { __qmPeerConnections: RTCPeerConnection[] }).__qmPeerConnections
      .map((pc) => `${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState}`)
      .join(', '),
  );
}

/**
 * Resolves once `sender`'s video plays at `receiver`, or its tile says the upload budget paused
 * it ("Video paused to keep audio …"): a clear state, as the lab case's pass bar counts it. On
 * an overloaded machine the budget pauses some links before any cap (the CPU delays packets,
 * which the connections' estimates read as congestion).
 */
async function videoPlayingOrPaused(receiver: LabPerson, sender: LabPerson): Promise<void> {
  const notice = receiver.page
    .getByRole('group', { name: displayName(sender), exact: true })
    .getByText(NOTICE);
  await Promise.any([
    expectVideoFlowing(receiver, sender, 60_000),
    notice.waitFor({ timeout: 60_000 }),
  ]).catch((error: unknown) => {
    throw error instanceof AggregateError ? error.errors[0] : error;
  });
}

/** The weak person and the others in the lab, before they meet. */
async function openWeakUplinkLab(
  options: Omit<WeakUplinkMeetingOptions, 'uploadBudget'>,
): Promise<WeakUplinkMeeting> {
  const session = await openLab(options.origins);
  try {
    const weak = await session.person({ name: 'weak', nat: 'none', videoFile: options.videoFile });
    const names = Array.from({ length: options.size - 1 }, (_, i) => `peer${i + 1}`);
    const others = await session.people(
      { name: 'others', nat: 'none', videoFile: options.videoFile },
      names,
    );
    const everyone = [weak, ...others];
    const pairs = everyone.flatMap((receiver) =>
      everyone.filter((sender) => sender !== receiver).map((sender) => ({ receiver, sender })),
    );
    const readAll = () =>
      Promise.all(
        pairs.map(({ receiver, sender }) =>
          readInbound(receiver.page, `Video of ${displayName(sender)}`),
        ),
      );
    return {
      session,
      weak,
      others,
      everyone,
      shapeWeakUplink: (shape) => weak.client.shapeUplink(shape),
      async measure(windowMs) {
        const before: InboundCounters[] = await readAll();
        // A window of media, not an event: rates are counted over wall-clock time.
        await new Promise((resolve) => setTimeout(resolve, windowMs));
        const after = await readAll();
        return Promise.all(
          pairs.map(async ({ receiver, sender }, i) => ({
            receiver: displayName(receiver),
            sender: displayName(sender),
            window: inboundWindow(before[i]!, after[i]!),
            videoPausedNotice:
              (await receiver.page
                .getByRole('group', { name: displayName(sender), exact: true })
                .getByText(NOTICE)
                .count()) > 0,
          })),
        );
      },
      close: () => session.close(),
    };
  } catch (error) {
    await session.close();
    throw error;
  }
}

/**
 * Starts a meeting of `size` in the network lab, everyone's camera playing the busy clip, and
 * waits until every person's video plays at every other. The weak person sits alone behind
 * their own router (so their uplink can be capped without touching the others'); the others
 * share one machine to spare the CPU one Chromium each would cost. Routable addresses (no NAT):
 * the links are direct, and what is measured is the uplink, not NAT traversal.
 */
export async function startWeakUplinkMeeting(
  options: WeakUplinkMeetingOptions,
): Promise<WeakUplinkMeeting> {
  const meeting = await openWeakUplinkLab(options);
  try {
    const { everyone, others } = meeting;
    for (const person of everyone) await signUp(person);
    const [host] = others as [LabPerson];
    const roomId = await createMeeting(host, options.size);
    const query = options.uploadBudget ? '' : '?uploadBudget=off';
    for (const person of everyone) await joinMeeting(person, roomId, query);
    for (const receiver of everyone)
      for (const sender of everyone)
        if (sender !== receiver)
          await videoPlayingOrPaused(receiver, sender).catch(async (error: unknown) => {
            throw new Error(
              `no video of ${displayName(sender)} at ${displayName(receiver)}; its connections: ${await connectionStates(receiver)}`,
              { cause: error },
            );
          });
    return meeting;
  } catch (error) {
    await meeting.close();
    throw error;
  }
}

/**
 * The same people, browsers, clip and lab as {@link startWeakUplinkMeeting}, but their peer
 * connections wired straight to each other by the test (`wireDirectMesh`): no platform, no SPA,
 * no upload budget — each link's own congestion control alone. What this machine gives a meeting
 * of `size` when nothing of ours runs: the floor beside the meeting's figures.
 */
export async function startWeakUplinkFloor(
  options: Omit<WeakUplinkMeetingOptions, 'uploadBudget'>,
): Promise<WeakUplinkMeeting> {
  const people = await openWeakUplinkLab(options);
  try {
    const pages = people.everyone.map((person) => person.page);
    // A page of the app's origin: a secure context, so the camera opens.
    await Promise.all(pages.map((page) => page.goto('/login')));
    const mesh = await wireDirectMesh(pages, people.everyone.map(displayName));
    return {
      ...people,
      async close() {
        await mesh.close().catch(() => undefined);
        await people.close();
      },
    };
  } catch (error) {
    await people.close();
    throw error;
  }
}
