import type { Page } from 'playwright-core';

/** Cumulative `inbound-rtp` counters of one remote person's camera and microphone, at one moment. */
export interface InboundCounters {
  /** The page's clock, ms. */
  atMs: number;
  audio: {
    packetsLost: number;
    packetsReceived: number;
    concealedSamples: number;
    totalSamplesReceived: number;
  } | null;
  video: {
    framesDecoded: number;
    freezeCount: number;
    frameWidth: number;
    frameHeight: number;
  } | null;
}

/** What arrived of one person's media over a window between two readings. */
export interface InboundWindow {
  seconds: number;
  /** Audio packets lost of those sent, %. */
  audioLossPct: number;
  /** Concealed (made-up) audio samples of those played out, %. */
  concealedPct: number;
  /** Video frames decoded per second. */
  fps: number;
  /** Resolution at the end of the window (0 × 0: no video). */
  width: number;
  height: number;
  /** Video freezes the receiver counted in the window. */
  freezes: number;
}

/**
 * The counters of what this page receives from the person whose video is labelled `label`
 * ("Video of bob"): the `inbound-rtp` entries, among the page's recorded peer connections (see
 * `recordPeerConnections`), of the tracks that video element plays.
 */
export function readInbound(page: Page, label: string): Promise<InboundCounters> {
  // No function is declared inside the page function: run by tsx (the benchmarks), esbuild's
  // keepNames would wrap it in a `__name` helper the page lacks.
  return page.evaluate(async (name) => {
    const element = document.querySelector<HTMLVideoElement>(`video[aria-label="${name}"]`);
    const stream = element?.srcObject as MediaStream | null | undefined;
    const ids = new Set(stream?.getTracks().map((track) => track.id) ?? []);
    const pcs = (window as unknown as { __qmPeerConnections: RTCPeerConnection[] })
      .__qmPeerConnections;
    let audio: Record<string, number> | undefined;
    let video: Record<string, number> | undefined;
    for (const pc of pcs.filter((p) => p.connectionState !== 'closed'))
      for (const entry of (await pc.getStats()).values() as Iterable<Record<string, unknown>>) {
        if (entry.type !== 'inbound-rtp' || !ids.has(String(entry.trackIdentifier))) continue;
        const numbers = Object.fromEntries(
          Object.entries(entry).filter(([, value]) => typeof value === 'number'),
        ) as Record<string, number>;
        if (entry.kind === 'audio') audio = numbers;
        else if (entry.kind === 'video') video = numbers;
      }
    return {
      atMs: performance.now(),
      audio: audio
        ? {
            packetsLost: audio.packetsLost ?? 0,
            packetsReceived: audio.packetsReceived ?? 0,
            concealedSamples: audio.concealedSamples ?? 0,
            totalSamplesReceived: audio.totalSamplesReceived ?? 0,
          }
        : null,
      video: video
        ? {
            framesDecoded: video.framesDecoded ?? 0,
            freezeCount: video.freezeCount ?? 0,
            frameWidth: video.frameWidth ?? 0,
            frameHeight: video.frameHeight ?? 0,
          }
        : null,
    };
  }, label);
}

const share = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : 0);

/**
 * What arrived between two readings of the same person's media. Missing audio counts as all of
 * it lost and concealed, missing video as 0 fps: a receiver that gets nothing fails every bar.
 */
export function inboundWindow(before: InboundCounters, after: InboundCounters): InboundWindow {
  const seconds = (after.atMs - before.atMs) / 1000;
  const a0 = before.audio;
  const a1 = after.audio;
  const lost = a0 && a1 ? a1.packetsLost - a0.packetsLost : 0;
  const received = a0 && a1 ? a1.packetsReceived - a0.packetsReceived : 0;
  const concealed = a0 && a1 ? a1.concealedSamples - a0.concealedSamples : 0;
  const samples = a0 && a1 ? a1.totalSamplesReceived - a0.totalSamplesReceived : 0;
  const noAudio = !a0 || !a1 || received + lost <= 0;
  const v0 = before.video;
  const v1 = after.video;
  return {
    seconds,
    audioLossPct: noAudio ? 100 : share(Math.max(0, lost), received + Math.max(0, lost)),
    concealedPct: noAudio || samples <= 0 ? 100 : share(concealed, samples),
    fps: v0 && v1 && seconds > 0 ? (v1.framesDecoded - v0.framesDecoded) / seconds : 0,
    width: v1?.frameWidth ?? 0,
    height: v1?.frameHeight ?? 0,
    freezes: v0 && v1 ? v1.freezeCount - v0.freezeCount : 0,
  };
}
