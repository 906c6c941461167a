import { displayName, type Person } from './people';

/** Frames decoded so far of `other`'s video on `person`'s page. */
export const videoFramesOf = (person: Person, other: Person): Promise<number> =>
  person.page
    .getByLabel(`Video of ${displayName(other)}`, { exact: true })
    .evaluate((video) => (video as HTMLVideoElement).getVideoPlaybackQuality().totalVideoFrames);

/** Resolves once `other`'s video on `person`'s page has decoded `more` frames past `from`. */
export async function videoFramesPast(
  person: Person,
  other: Person,
  from: number,
  more: number,
  timeoutMs = 60_000,
): Promise<void> {
  await person.page.waitForFunction(
    ({ label, count }) => {
      const video = document.querySelector(`video[aria-label="${label}"]`) as HTMLVideoElement;
      return video !== null && video.getVideoPlaybackQuality().totalVideoFrames > count;
    },
    { label: `Video of ${displayName(other)}`, count: from + more },
    { timeout: timeoutMs, polling: 100 },
  );
}

/**
 * Resolves once `a` and `b` have each decoded `more` new frames of the other's video, counted
 * from now (after an outage: the call is back both ways).
 */
export async function videoFlowsBothWays(a: Person, b: Person, more = 10): Promise<void> {
  const [ofB, ofA] = [await videoFramesOf(a, b), await videoFramesOf(b, a)];
  await Promise.all([videoFramesPast(a, b, ofB, more), videoFramesPast(b, a, ofA, more)]);
}
