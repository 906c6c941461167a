/**
 * Call set-up time in headless Chromium: from clicking Join to the first remote video frame
 * decoded (and to every remote video playing), p50/p95, for 2-, 4- and 6-person meetings against
 * the whole platform (nginx, gateway, two signaling nodes, coturn). Baseline, same browser and
 * run: two RTCPeerConnections in one page wired to each other directly (no signaling server, no
 * network hop). Beside each meeting size, in alternating rounds, its floor: the same pages
 * joining one after another with peer connections wired directly by the bench (`floor.ts`), the
 * machine's part of the time. Each join prints the SPA's trace (`join-trace.ts`): where it waited.
 * Then the network lab's cases 1–4 (docs/NETWORKS.md): two people behind routers of their own,
 * join → first frame.
 *
 * Runs itself inside a loopback-only network namespace, like the browser tests.
 * Usage: npm run bench:call-setup [-- --network-only | --loopback-only]
 */
import type { Browser, Page } from 'playwright-core';
import {
  createMeeting,
  launchBrowser,
  newPerson,
  signUp,
  type Person,
} from '@qual-meet/browser-testing';
import { inLoopbackNamespace, startLabPlatform } from '../lib/lab-platform';
import { fmt, percentile, printTable } from '../lib/stats';
import { floorRound } from './floor';
import { enableJoinTrace, joinTraceLine, timedJoin, type SetupTimes } from './join-trace';
import { measureAddressChange, measureNetworkCase, NETWORK_CASES } from './network-matrix';

const ROUNDS: Record<number, number> = { 2: 10, 4: 4, 6: 2 };
const BASELINE_ROUNDS = 10;
const NETWORK_ROUNDS = Number(process.env.QM_BENCH_NETWORK_ROUNDS ?? 5);
/** Case 5 takes ~15 s a round (ICE notices the move after ~5 s). */
const ADDRESS_CHANGE_ROUNDS = Number(process.env.QM_BENCH_ADDRESS_CHANGE_ROUNDS ?? 3);
/** `--network-only`: just the network lab cases (they need no 6-person rounds first). */
const NETWORK_ONLY = process.argv.includes('--network-only');
/** `--loopback-only`: just the meetings on loopback and their floors. */
const LOOPBACK_ONLY = process.argv.includes('--loopback-only');
inLoopbackNamespace();

/** One meeting round: the host waits in the meeting, the others join one after another. */
async function meetingRound(people: Person[], trace: string[]): Promise<SetupTimes[]> {
  const [host, ...guests] = people as [Person, ...Person[]];
  await host.page.goto('/');
  const roomId = await createMeeting(host, people.length);
  await host.page.getByRole('button', { name: 'Join', exact: true }).click();
  await host.page.getByRole('region', { name: 'Call controls' }).waitFor();
  const samples: SetupTimes[] = [];
  for (const [i, guest] of guests.entries()) {
    await guest.page.goto(`/room/${roomId}`);
    const join = await timedJoin(guest.page, i + 1);
    samples.push(join);
    const members = people.slice(0, i + 1).map((person) => person.page);
    trace.push(
      `  join ${i + 2}/${people.length}: ${await joinTraceLine(guest.page, members, join)}`,
    );
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

function row(name: string, size: number, samples: SetupTimes[]): (string | number)[] {
  const first = samples.map((s) => s.firstFrameMs);
  const all = samples.map((s) => s.allFramesMs);
  return [
    name,
    size,
    samples.length,
    fmt(percentile(first, 50)),
    fmt(percentile(first, 95)),
    fmt(percentile(all, 50)),
    fmt(percentile(all, 95)),
  ];
}

/** Meetings of 2, 4 and 6 in one browser on loopback, their floors, and the baseline. */
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
  for (const person of everyone) await enableJoinTrace(person.context);
  for (const person of everyone) await signUp(person);
  for (const size of [2, 4, 6]) {
    const samples: SetupTimes[] = [];
    const floor: SetupTimes[] = [];
    for (let round = 0; round < ROUNDS[size]!; round++) {
      // The floor and ours alternate, so both see the same load on this shared machine.
      const pages = everyone.slice(0, size).map((person) => person.page);
      const floorRoundTimes = await floorRound(pages);
      floor.push(...floorRoundTimes);
      const trace: string[] = [];
      const ours = await meetingRound(everyone.slice(0, size), trace);
      samples.push(...ours);
      process.stdout.write(
        `meeting of ${size}, round ${round + 1}: floor first ${floorRoundTimes.map((t) => Math.round(t.firstFrameMs)).join(', ')} ms; ours first ${ours.map((t) => Math.round(t.firstFrameMs)).join(', ')} ms, all ${ours.map((t) => Math.round(t.allFramesMs)).join(', ')} ms\n${trace.join('\n')}\n`,
      );
    }
    rows.push(row(`floor: ${size} pages wired directly`, size, floor));
    rows.push(row(`QUAL_MEET meeting of ${size}`, size, samples));
  }
  process.stdout.write(
    '\nJoin → first remote video frame (and → every remote video playing), headless Chromium, loopback\n\n',
  );
  printTable(
    ['workload', 'people', 'joins', 'first p50 ms', 'first p95 ms', 'all p50 ms', 'all p95 ms'],
    rows,
  );
  const twoPerson = rows[2]![3];
  process.stdout.write(`\n2-person p50 ${twoPerson} ms (target < 1000 ms)\n`);
}

async function main(): Promise<void> {
  const platform = await startLabPlatform();
  let browser: Browser | undefined;
  try {
    if (!NETWORK_ONLY) {
      browser = await launchBrowser();
      await loopbackMatrix(browser, platform.url);
    }

    if (LOOPBACK_ONLY) return;
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
    process.stdout.write(
      `\nCase 5: address change mid-call → ten new frames both ways\n\nevery move: ${recoveries.map((ms) => Math.round(ms)).join(', ')} ms\n\n`,
    );
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
