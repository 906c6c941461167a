import type { BrowserContext, Page } from 'playwright-core';
import type { SetupTimes } from '@qual-meet/browser-testing';

export type { SetupTimes };

/** A timed join: its times, and when it began in wall-clock ms (every page's marks compare). */
export interface TimedJoin extends SetupTimes {
  startedAt: number;
}

/** Turns the SPA's join trace on (apps/frontend `mesh/join-trace.ts`) for a person's pages. */
export async function enableJoinTrace(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => window.localStorage.setItem('qm.joinTrace', 'on'));
}

/** A join not done by then is counted as this long (and the round goes on). */
export const JOIN_TIMEOUT_MS = 60_000;

/** Clicks Join and measures, in the page's own clock, until remote video frames are decoded. */
export async function timedJoin(page: Page, remotes: number): Promise<TimedJoin> {
  await page.getByRole('button', { name: 'Join', exact: true }).waitFor();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('button')].some(
      (b) => b.textContent?.trim() === 'Join' && !b.disabled,
    ),
  );
  await page.evaluate((expected) => {
    const w = window as unknown as { __qmSetup?: { start: number; first?: number; all?: number } };
    const setup: { start: number; first?: number; all?: number } = { start: performance.now() };
    w.__qmSetup = setup;
    const timer = setInterval(() => {
      const playing = [
        ...document.querySelectorAll<HTMLVideoElement>('video[aria-label^="Video of "]'),
      ].filter((v) => v.getVideoPlaybackQuality().totalVideoFrames > 0).length;
      if (playing > 0 && setup.first === undefined) setup.first = performance.now() - setup.start;
      if (playing >= expected) {
        setup.all = performance.now() - setup.start;
        clearInterval(timer);
      }
    }, 5);
    [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Join')!.click();
  }, remotes);
  try {
    const handle = await page.waitForFunction(
      () => (window as unknown as { __qmSetup: { all?: number } }).__qmSetup.all !== undefined,
      undefined,
      { timeout: JOIN_TIMEOUT_MS },
    );
    await handle.dispose();
  } catch (error) {
    if (!(error instanceof Error && error.name === 'TimeoutError')) throw error;
    // A join that never got every video counts as the timeout, and its trace shows where.
  }
  return page.evaluate((timeout) => {
    const s = (window as unknown as { __qmSetup: { start: number; first?: number; all?: number } })
      .__qmSetup;
    return {
      firstFrameMs: s.first ?? timeout,
      allFramesMs: s.all ?? timeout,
      startedAt: performance.timeOrigin + s.start,
    };
  }, JOIN_TIMEOUT_MS);
}

/** One step of the SPA's join trace, at wall-clock ms. */
interface Mark {
  step: string;
  peer: string | undefined;
  at: number;
}

function readMarks(page: Page): Promise<Mark[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByType('mark')
      .filter((mark) => mark.name.startsWith('qm:'))
      .map((mark) => ({
        step: mark.name.slice(3),
        peer: ((mark as PerformanceMark).detail as { peer?: string } | null)?.peer,
        at: performance.timeOrigin + mark.startTime,
      })),
  );
}

/** The newcomer's steps (first and last over its peers) and the members' offers, in order. */
const NEWCOMER_STEPS = [
  'ice-servers-requested',
  'ice-servers-received',
  'socket-opened',
  'authenticated',
  'room-joined',
] as const;
const PER_PEER_STEPS = [
  'offer-received',
  'answer-sent',
  'first-candidate-sent',
  'first-candidate-received',
  'ice-connected',
] as const;

/**
 * Where one join waited: the newcomer's steps, and each member's `user-joined` → `offer-sent`
 * and `answer-received` → `ice-connected` for the newcomer, as ms after the click on Join. Per-peer steps read "first–last" over peers.
 */
export async function joinTraceLine(
  newcomer: Page,
  members: readonly Page[],
  join: TimedJoin,
): Promise<string> {
  const mine = (await readMarks(newcomer)).filter((mark) => mark.at >= join.startedAt - 1);
  const theirs = (await Promise.all(members.map(readMarks)))
    .flat()
    .filter((mark) => mark.at >= join.startedAt - 1);
  const since = (at: number) => Math.round(at - join.startedAt);
  const span = (marks: Mark[]) => {
    if (marks.length === 0) return '–';
    const times = marks.map((mark) => since(mark.at)).sort((a, b) => a - b);
    return times.length === 1 ? `${times[0]}` : `${times[0]}–${times[times.length - 1]}`;
  };
  const parts = NEWCOMER_STEPS.map(
    (step) => `${step} ${span(mine.filter((mark) => mark.step === step))}`,
  );
  parts.push(`members: user-joined ${span(theirs.filter((m) => m.step === 'user-joined'))}`);
  parts.push(`offer-sent ${span(theirs.filter((m) => m.step === 'offer-sent'))}`);
  for (const step of PER_PEER_STEPS)
    parts.push(`${step} ${span(mine.filter((mark) => mark.step === step))}`);
  // The members' side of the same links: when the answer reached them, when ICE connected there.
  for (const step of ['answer-received', 'ice-connected'])
    parts.push(`members: ${step} ${span(theirs.filter((mark) => mark.step === step))}`);
  parts.push(`first frame ${Math.round(join.firstFrameMs)}`, `all ${Math.round(join.allFramesMs)}`);
  return parts.join(' · ');
}
