/**
 * Call set-up time in headless Chromium: from clicking Join to the first remote video frame
 * decoded (and to every remote video playing), p50/p95, for 2-, 4- and 6-person meetings against
 * the whole platform (nginx, gateway, two signaling nodes, coturn). Baseline, same browser and
 * run: two RTCPeerConnections in one page wired to each other directly (no signaling server, no
 * network hop) — the floor the product's set-up time is compared with. Then the network lab's
 * cases 1–4 (docs/NETWORKS.md): two people behind routers of their own, join → first frame.
 *
 * Runs itself inside a loopback-only network namespace, like the browser tests.
 * Usage: npm run bench:call-setup [-- --network-only]
 */
import type { Browser, Page } from 'playwright-core';
import {
  createMeeting,
  launchBrowser,
  newPerson,
  signUp,
  type Person,
} from '@qual-meet/browser-testing';
import { runInLoopbackNamespace } from '@qual-meet/local-servers';
import { LAB_SERVER, prepareLabCore } from '@qual-meet/netlab';
import { buildApps, generateStackSecrets, startPlatform } from '@qual-meet/stack';
import { fmt, percentile, printTable } from '../lib/stats';
import { measureAddressChange, measureNetworkCase, NETWORK_CASES } from './network-matrix';

const ROUNDS: Record<number, number> = { 2: 10, 4: 4, 6: 2 };
const BASELINE_ROUNDS = 10;
const NETWORK_ROUNDS = Number(process.env.QM_BENCH_NETWORK_ROUNDS ?? 5);
/** Case 5 takes ~15 s a round (ICE notices the move after ~5 s). */
const ADDRESS_CHANGE_ROUNDS = Number(process.env.QM_BENCH_ADDRESS_CHANGE_ROUNDS ?? 3);
/** `--network-only`: just the network lab cases (they need no 6-person rounds first). */
const NETWORK_ONLY = process.argv.includes('--network-only');
const IN_NAMESPACE = 'QM_BENCH_IN_NETNS';

if (!process.env[IN_NAMESPACE]) {
  process.exit(
    runInLoopbackNamespace(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      ...process.env,
      [IN_NAMESPACE]: '1',
    }),
  );
}

interface SetupTimes {
  firstFrameMs: number;
  allFramesMs: number;
}

/** Clicks Join and measures, in the page's own clock, until remote video frames are decoded. */
async function timedJoin(page: Page, remotes: number): Promise<SetupTimes> {
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
  const handle = await page.waitForFunction(
    () => (window as unknown as { __qmSetup: { all?: number } }).__qmSetup.all !== undefined,
    undefined,
    { timeout: 60_000 },
  );
  await handle.dispose();
  return page.evaluate(() => {
    const s = (window as unknown as { __qmSetup: { first: number; all: number } }).__qmSetup;
    return { firstFrameMs: s.first, allFramesMs: s.all };
  });
}

async function meetingRound(people: Person[]): Promise<SetupTimes[]> {
  const [host, ...guests] = people as [Person, ...Person[]];
  await host.page.goto('/');
  const roomId = await createMeeting(host, people.length);
  await host.page.getByRole('button', { name: 'Join', exact: true }).click();
  await host.page.getByRole('region', { name: 'Call controls' }).waitFor();
  const samples: SetupTimes[] = [];
  for (const [i, guest] of guests.entries()) {
    await guest.page.goto(`/room/${roomId}`);
    samples.push(await timedJoin(guest.page, i + 1));
  }
  await Promise.all(people.map((p) => p.page.goto('/')));
  return samples;
}

/** Two peer connections in one page, wired directly: the floor of set-up time. */
async function baselineRound(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    const start = performance.now();
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && void b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && void a.addIceCandidate(e.candidate);
    const video = document.createElement('video');
    video.muted = true;
    b.ontrack = (e) => {
      video.srcObject = e.streams[0] ?? null;
      void video.play();
    };
    for (const track of stream.getTracks()) a.addTrack(track, stream);
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (video.getVideoPlaybackQuality().totalVideoFrames > 0) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    const elapsed = performance.now() - start;
    a.close();
    b.close();
    stream.getTracks().forEach((t) => t.stop());
    return elapsed;
  });
}

/** Meetings of 2, 4 and 6 in one browser on loopback, and the baseline. */
async function loopbackMatrix(browser: Browser, url: string): Promise<void> {
  const rows: (string | number)[][] = [];

  const probe = await newPerson(browser, url);
  await probe.page.goto('/login');
  const baseline: number[] = [];
  for (let i = 0; i < BASELINE_ROUNDS; i++) baseline.push(await baselineRound(probe.page));
  rows.push([
    'baseline: direct RTCPeerConnection pair',
    2,
    baseline.length,
    fmt(percentile(baseline, 50)),
    fmt(percentile(baseline, 95)),
    '-',
    '-',
  ]);

  const everyone = await Promise.all(
    Array.from({ length: 6 }, (_, i) => newPerson(browser, url, { name: `bench${i}x` })),
  );
  for (const person of everyone) await signUp(person);
  for (const size of [2, 4, 6]) {
    const samples: SetupTimes[] = [];
    for (let round = 0; round < ROUNDS[size]!; round++)
      samples.push(...(await meetingRound(everyone.slice(0, size))));
    const first = samples.map((s) => s.firstFrameMs);
    const all = samples.map((s) => s.allFramesMs);
    rows.push([
      `QUAL_MEET meeting of ${size}`,
      size,
      samples.length,
      fmt(percentile(first, 50)),
      fmt(percentile(first, 95)),
      fmt(percentile(all, 50)),
      fmt(percentile(all, 95)),
    ]);
  }
  process.stdout.write(
    '\nJoin → first remote video frame (and → every remote video playing), headless Chromium, loopback\n\n',
  );
  printTable(
    ['workload', 'people', 'joins', 'first p50 ms', 'first p95 ms', 'all p50 ms', 'all p95 ms'],
    rows,
  );
  const twoPerson = rows[1]![3];
  process.stdout.write(`\n2-person p50 ${twoPerson} ms (target < 1000 ms)\n`);
}

async function main(): Promise<void> {
  buildApps();
  // This namespace is the network lab's core too: the platform also serves 198.18.0.1.
  await prepareLabCore();
  const platform = await startPlatform({
    mode: 'bundle',
    local: true,
    logLevel: 'warn',
    secrets: generateStackSecrets(),
    publicHost: LAB_SERVER,
    ports: { https: 443 },
  });
  let browser: Browser | undefined;
  try {
    if (!NETWORK_ONLY) {
      browser = await launchBrowser();
      await loopbackMatrix(browser, platform.url);
    }

    const networkRows: (string | number)[][] = [];
    for (const spec of NETWORK_CASES) {
      const samples = await measureNetworkCase(
        { https: platform.httpsUrl!, http: platform.publicUrl! },
        spec,
        NETWORK_ROUNDS,
        timedJoin,
      );
      networkRows.push([
        spec.name,
        samples.length,
        fmt(percentile(samples, 50)),
        fmt(percentile(samples, 95)),
      ]);
    }
    process.stdout.write('\nNetwork lab (docs/NETWORKS.md): join → first remote video frame\n\n');
    printTable(['case', 'joins', 'first p50 ms', 'first p95 ms'], networkRows);
    const recoveries = await measureAddressChange(
      { https: platform.httpsUrl!, http: platform.publicUrl! },
      ADDRESS_CHANGE_ROUNDS,
    );
    process.stdout.write('\nCase 5: address change mid-call → ten new frames both ways\n\n');
    printTable(
      ['case', 'moves', 'recovery p50 ms', 'recovery p95 ms'],
      [
        [
          'guest changes address (ICE restart, signaling resumed)',
          recoveries.length,
          fmt(percentile(recoveries, 50)),
          fmt(percentile(recoveries, 95)),
        ],
      ],
    );
  } finally {
    await browser?.close();
    await platform.stop();
  }
}

await main();
