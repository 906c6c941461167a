/**
 * One weak uplink in a mesh meeting, with the upload budget on and off in the same run
 * (docs/CALL-QUALITY.md): meetings of 4 and of 6 in the network lab, everyone's camera playing a
 * busy clip, one person's uplink capped at 800 kbit/s (`tc tbf`). After the budget has settled,
 * every receiver's view of the weak person (audio loss, concealment, video fps, resolution,
 * freezes) and of the others (their mean fps and height), then the on/off ratios.
 *
 * Runs itself inside a loopback-only network namespace, like the browser tests. Bounded: four
 * meetings, each about a minute to set up plus QM_BENCH_SETTLE_MS + QM_BENCH_WINDOW_MS.
 * Usage: npm run bench:mesh-uplink (QM_BENCH_SIZES=4,6 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startWeakUplinkFloor,
  startWeakUplinkMeeting,
  writeSyntheticCamera,
  type LabOrigins,
  type Reception,
} from '@qual-meet/browser-testing';
import { inLoopbackNamespace, startLabPlatform } from '../lib/lab-platform';
import { fmt, printTable } from '../lib/stats';

inLoopbackNamespace();

const CAP = { rateKbit: 800 };
const SETTLE_MS = Number(process.env.QM_BENCH_SETTLE_MS ?? 20_000);
const WINDOW_MS = Number(process.env.QM_BENCH_WINDOW_MS ?? 15_000);
/** Meeting sizes, e.g. QM_BENCH_SIZES=6. */
const SIZES = (process.env.QM_BENCH_SIZES ?? '4,6').split(',').map(Number);

interface RunFigures {
  /** Receivers' view of the weak person. */
  weak: Reception[];
  /** Every receiver's view of the other senders. */
  others: Reception[];
}

type Variant = 'floor' | 'on' | 'off';

const VARIANT_NAMES: Record<Variant, string> = {
  floor: 'floor (pages wired directly, no platform, no budget)',
  on: 'budget on',
  off: 'budget off',
};

async function run(
  origins: LabOrigins,
  videoFile: string,
  size: number,
  variant: Variant,
): Promise<RunFigures> {
  const meeting =
    variant === 'floor'
      ? await startWeakUplinkFloor({ origins, size, videoFile })
      : await startWeakUplinkMeeting({ origins, size, uploadBudget: variant === 'on', videoFile });
  try {
    const weak = meeting.weak.email.split('@')[0]!;
    await meeting.shapeWeakUplink(CAP);
    // Long enough for either side to settle: the budget decides every 2 s, GCC within seconds.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const receptions = await meeting.measure(WINDOW_MS);
    return {
      weak: receptions.filter((r) => r.sender === weak),
      others: receptions.filter((r) => r.sender !== weak),
    };
  } finally {
    await meeting.close();
  }
}

const mean = (values: number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length;
const short = (name: string) => name.split('.')[0]!;

function printRun(size: number, variant: Variant, figures: RunFigures): void {
  process.stdout.write(
    `\nMeeting of ${size}, ${VARIANT_NAMES[variant]}: what each receiver gets of the weak person (and of the others)\n\n`,
  );
  printTable(
    [
      'receiver',
      'audio loss %',
      'concealed %',
      'fps',
      'resolution',
      'freezes',
      'paused notice',
      'others fps',
      'others height',
    ],
    figures.weak.map((r) => {
      const others = figures.others.filter((o) => o.receiver === r.receiver);
      return [
        short(r.receiver),
        fmt(r.window.audioLossPct),
        fmt(r.window.concealedPct),
        fmt(r.window.fps),
        `${r.window.width}x${r.window.height}`,
        r.window.freezes,
        r.videoPausedNotice ? 'yes' : 'no',
        fmt(mean(others.map((o) => o.window.fps))),
        fmt(mean(others.map((o) => o.window.height)), 0),
      ];
    }),
  );
}

/** Means over receivers, for the on/off table. */
function summary(figures: RunFigures) {
  const w = figures.weak.map((r) => r.window);
  const o = figures.others.map((r) => r.window);
  return {
    loss: mean(w.map((x) => x.audioLossPct)),
    concealed: mean(w.map((x) => x.concealedPct)),
    fps: mean(w.map((x) => x.fps)),
    height: mean(w.map((x) => x.height)),
    freezes: mean(w.map((x) => x.freezes)),
    othersFps: mean(o.map((x) => x.fps)),
    othersHeight: mean(o.map((x) => x.height)),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qm-bench-camera-'));
  const platform = await startLabPlatform();
  try {
    const videoFile = writeSyntheticCamera(join(dir, 'busy.y4m'));
    const origins = { https: platform.httpsUrl!, http: platform.publicUrl! };
    const rows: (string | number)[][] = [];
    for (const size of SIZES) {
      const figures = {} as Record<Variant, ReturnType<typeof summary>>;
      for (const variant of ['floor', 'on', 'off'] as const) {
        // One that never gets going (every video playing everywhere within 60 s) is a figure
        // too: the others still run and print.
        const measured = await run(origins, videoFile, size, variant).catch((error: unknown) => {
          const why = (error instanceof Error ? error.message : String(error)).split('\n')[0];
          process.stdout.write(
            `\nMeeting of ${size}, ${VARIANT_NAMES[variant]}: did not start — ${why}\n`,
          );
          return { weak: [], others: [] };
        });
        if (measured.weak.length > 0) printRun(size, variant, measured);
        figures[variant] = summary(measured);
      }
      const { floor, on, off } = figures;
      const ratio = (x: number, y: number) =>
        Number.isNaN(x) || Number.isNaN(y)
          ? '-'
          : y === 0
            ? x === 0
              ? '1.00'
              : '∞'
            : fmt(x / y, 2);
      for (const [name, key] of [
        ['weak → audio loss %', 'loss'],
        ['weak → concealed %', 'concealed'],
        ['weak → video fps', 'fps'],
        ['weak → video height', 'height'],
        ['weak → freezes', 'freezes'],
        ['others → video fps', 'othersFps'],
        ['others → video height', 'othersHeight'],
      ] as const)
        rows.push([
          size,
          name,
          fmt(floor[key]),
          fmt(on[key]),
          fmt(off[key]),
          ratio(on[key], off[key]),
          ratio(on[key], floor[key]),
        ]);
    }
    process.stdout.write(
      `\nUplink of one person capped at ${CAP.rateKbit} kbit/s; means over receivers, ${WINDOW_MS / 1000} s window after ${SETTLE_MS / 1000} s\n\n`,
    );
    printTable(
      ['people', 'figure', 'floor', 'budget on', 'budget off', 'on/off', 'on/floor'],
      rows,
    );
  } finally {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
