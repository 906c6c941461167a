import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startWeakUplinkMeeting,
  writeSyntheticCamera,
  type InboundWindow,
  type Reception,
  type WeakUplinkMeeting,
} from '@qual-meet/browser-testing';
import { platform } from './support/platform';

// docs/CALL-QUALITY.md "Lab case": a meeting of four where one person's uplink is capped at
// 800 kbit/s. Everyone's camera plays a busy clip (Chromium's own fake camera needs almost no
// bitrate, so a cap would never bite). The budget must keep that person's voice clean at every
// receiver, their video moving or clearly paused, and leave the other three senders' video as it
// was before the cap. Where this shared machine's CPU (not the network) already falls short
// before the cap, the bars are taken relative to that baseline: see the doc.

jest.setTimeout(420_000);

const CAP = { rateKbit: 800 };
/** The "after 20 s": the budget settles before anything is judged. */
const SETTLE_MS = 20_000;
const WINDOW_MS = 10_000;
/** Windows tried after the settling time before the case fails. */
const WINDOWS = 4;

let dir: string;
let meeting: WeakUplinkMeeting | undefined;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-camera-'));
});
afterAll(async () => {
  await meeting?.close();
  rmSync(dir, { recursive: true, force: true });
});

const line1 = (w: InboundWindow) =>
  `audio loss ${w.audioLossPct.toFixed(1)} %, concealed ${w.concealedPct.toFixed(1)} %, ${w.fps.toFixed(1)} fps, ${w.width}x${w.height}, freezes ${w.freezes}`;
const line = (r: Reception) =>
  `${r.sender} → ${r.receiver}: ${line1(r.window)}${r.videoPausedNotice ? ', "video paused"' : ''}`;

const pair = (r: Reception) => `${r.sender} → ${r.receiver}`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
}

/** How a window measures up: the bars, relative to the same pair before the cap. */
function judge(capped: Reception[], before: Map<string, InboundWindow>, weak: string) {
  const failures: string[] = [];
  const fromWeak = capped.filter((r) => r.sender === weak);
  const others = capped.filter((r) => r.sender !== weak);
  // The frame rate this machine's CPU gives every unshaped link in this same window.
  const machineFps = median(others.map((r) => r.window.fps));
  if (fromWeak.length !== 3) failures.push(`${fromWeak.length} receivers of ${weak}, not 3`);
  for (const r of fromWeak) {
    const baseline = before.get(pair(r))!;
    if (r.window.audioLossPct >= 3) failures.push(`${pair(r)}: audio loss ≥ 3 %`);
    // What this machine's CPU already conceals before the cap is not the cap's doing.
    if (r.window.concealedPct >= 5 + baseline.concealedPct)
      failures.push(`${pair(r)}: concealed ≥ 5 % more than before the cap`);
    if (!r.videoPausedNotice && r.window.fps < Math.min(10, 0.8 * machineFps))
      failures.push(
        `${pair(r)}: video neither at 10 fps (or 0.8 × the unshaped links' ${machineFps.toFixed(1)}) nor said paused`,
      );
  }
  // The three others' links, taken together: the frame rate and resolution they had.
  const sum = (windows: InboundWindow[], key: 'fps' | 'height') =>
    windows.reduce((total, w) => total + w[key], 0);
  const then = others.map((r) => before.get(pair(r))!);
  const now = others.map((r) => r.window);
  if (sum(now, 'fps') < 0.75 * sum(then, 'fps'))
    failures.push('the other senders lost more than a quarter of their frame rate');
  if (sum(now, 'height') < 0.9 * sum(then, 'height'))
    failures.push('the other senders lost resolution');
  return failures;
}

it('keeps a capped uplink audible in a meeting of four and the other senders as they were', async () => {
  const { httpsUrl, publicUrl } = platform();
  meeting = await startWeakUplinkMeeting({
    origins: { https: httpsUrl, http: publicUrl },
    size: 4,
    uploadBudget: true,
    videoFile: writeSyntheticCamera(join(dir, 'busy.y4m')),
  });
  const weak = meeting.weak.email.split('@')[0]!;

  const before = new Map((await meeting.measure(WINDOW_MS)).map((r) => [pair(r), r.window]));
  await meeting.shapeWeakUplink(CAP);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  // The first window from 20 s on that meets every bar: a load spike of this shared machine
  // (other engineers' builds) in one window is not the budget failing.
  let failures: string[] = [];
  let report = '';
  for (let window = 0; window < WINDOWS; window++) {
    const capped = await meeting.measure(WINDOW_MS);
    report = capped
      .map((r) => `${line(r)} (before the cap: ${line1(before.get(pair(r))!)})`)
      .join('\n');
    process.stdout.write(`window ${window + 1}\n${report}\n`);
    failures = judge(capped, before, weak);
    if (failures.length === 0) break;
  }
  expect({ failures, report }).toEqual({ failures: [], report });
});
