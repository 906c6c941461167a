import type { Page } from 'playwright-core';

/** From a newcomer's start until its first remote video, and until every one, played. */
export interface SetupTimes {
  firstFrameMs: number;
  allFramesMs: number;
}

/** Pages whose peer connections the test wired to each other itself. */
export interface DirectMesh {
  /** Each newcomer's set-up times, in join order (the first page joins no one). */
  times: SetupTimes[];
  /** Closes every connection and stops every camera. */
  close(): Promise<void>;
}

/**
 * A meeting's floor on this machine: the same pages of the same browsers, the same camera,
 * joining one after another, but each newcomer's peer connections wired straight to everyone
 * already there (offer and answer handed over with `page.evaluate`, candidates gathered in full
 * first), each remote video played with its sound in an element of its own, as a meeting does.
 * No platform, no signaling, no SPA: what is left is the browsers' and the CPU's part.
 *
 * Each remote video is labelled `Video of <names[i]>` and its connection recorded as
 * `recordPeerConnections` does, so `readInbound` reads these pages as it reads a meeting's.
 */
export async function wireDirectMesh(
  pages: readonly Page[],
  names: readonly string[] = pages.map((_, i) => `page ${i}`),
): Promise<DirectMesh> {
  await Promise.all(pages.map(preparePage));
  const close = async () => {
    await Promise.all(pages.map((page) => page.evaluate(() => floorWindow().close())));
  };
  const times: SetupTimes[] = [];
  try {
    for (let newcomer = 1; newcomer < pages.length; newcomer++) {
      const page = pages[newcomer]!;
      const existing = pages.slice(0, newcomer);
      await page.evaluate((expected) => floorWindow().start(expected), existing.length);
      await Promise.all(
        existing.map(async (other, i) => {
          const key = `${newcomer}-${i}`;
          const offer = await other.evaluate(([k, label]) => floorWindow().offer(k, label), [
            key,
            `Video of ${names[newcomer]}`,
          ] as const);
          const answer = await page.evaluate(
            ([k, label, sdp]) => floorWindow().answer(k, label, sdp),
            [key, `Video of ${names[i]}`, offer] as const,
          );
          await other.evaluate(([k, sdp]) => floorWindow().accept(k, sdp), [key, answer] as const);
        }),
      );
      const done = await page.waitForFunction(() => floorWindow().times() !== null, undefined, {
        timeout: 60_000,
      });
      await done.dispose();
      times.push(await page.evaluate(() => floorWindow().times()!));
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { times, close };
}

interface FloorWindow {
  start(expected: number): void;
  offer(key: string, label: string): Promise<string>;
  answer(key: string, label: string, offer: string): Promise<string>;
  accept(key: string, answer: string): Promise<void>;
  times(): SetupTimes | null;
  close(): void;
}

/** The page's floor helpers (installed by {@link preparePage}). */
declare function floorWindow(): FloorWindow;

/** Installs the floor's helpers in the page and opens its camera (before any clock starts). */
async function preparePage(page: Page): Promise<void> {
  // tsx compiles with esbuild's keepNames: named functions below call a `__name` helper the
  // page lacks.
  await page.evaluate('globalThis.__name ??= (fn) => fn');
  await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    const pcs = new Map<string, RTCPeerConnection>();
    const recorded = ((
      window as unknown as { __qmPeerConnections?: RTCPeerConnection[] }
    ).__qmPeerConnections ??= []);
    const videos: HTMLVideoElement[] = [];
    let timing: { start: number; expected: number; first?: number; all?: number } | null = null;
    let timer: ReturnType<typeof setInterval> | undefined;

    const gathered = (pc: RTCPeerConnection) =>
      new Promise<string>((resolve) => {
        const done = () => resolve(pc.localDescription!.sdp);
        if (pc.iceGatheringState === 'complete') done();
        else
          pc.addEventListener('icegatheringstatechange', () => {
            if (pc.iceGatheringState === 'complete') done();
          });
      });
    const connection = (key: string, label: string) => {
      const pc = new RTCPeerConnection();
      for (const track of stream.getTracks()) pc.addTrack(track, stream);
      pc.ontrack = (event) => {
        if (event.track.kind !== 'video') return;
        const video = document.createElement('video');
        // With sound, as a meeting plays it: starting audio output is part of the machine's time.
        video.srcObject = event.streams[0] ?? null;
        video.width = 320;
        video.setAttribute('aria-label', label);
        document.body.append(video);
        void video.play();
        videos.push(video);
      };
      pcs.set(key, pc);
      recorded.push(pc);
      return pc;
    };
    const helpers: FloorWindow = {
      start(expected) {
        timing = { start: performance.now(), expected };
        const current = timing;
        const before = new Set(videos);
        timer = setInterval(() => {
          const playing = videos.filter(
            (v) => !before.has(v) && v.getVideoPlaybackQuality().totalVideoFrames > 0,
          ).length;
          const elapsed = performance.now() - current.start;
          if (playing > 0 && current.first === undefined) current.first = elapsed;
          if (playing >= current.expected) {
            current.all = elapsed;
            clearInterval(timer);
          }
        }, 5);
      },
      async offer(key, label) {
        const pc = connection(key, label);
        await pc.setLocalDescription();
        return gathered(pc);
      },
      async answer(key, label, offer) {
        const pc = connection(key, label);
        await pc.setRemoteDescription({ type: 'offer', sdp: offer });
        await pc.setLocalDescription();
        return gathered(pc);
      },
      async accept(key, answer) {
        await pcs.get(key)!.setRemoteDescription({ type: 'answer', sdp: answer });
      },
      times() {
        return timing?.all === undefined
          ? null
          : { firstFrameMs: timing.first ?? timing.all, allFramesMs: timing.all };
      },
      close() {
        clearInterval(timer);
        for (const pc of pcs.values()) pc.close();
        for (const video of videos) {
          video.srcObject = null;
          video.remove();
        }
        stream.getTracks().forEach((track) => track.stop());
      },
    };
    (window as unknown as { floorWindow: () => FloorWindow }).floorWindow = () => helpers;
  });
}
