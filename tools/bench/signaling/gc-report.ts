import { readFile } from 'node:fs/promises';

/** What gc-probe.ts records in a server process. */
export interface GcTrace {
  events: { at: number; kind: 'minor' | 'major' | 'incremental' | 'weakcb'; ms: number }[];
  /** [epoch ms, bytes used in old space] every 100 ms. */
  oldSpace: [at: number, bytes: number][];
}

/** A server's garbage collection over a measured window. */
export interface GcSummary {
  /** Time the collector held the main thread, all kinds (ms). */
  pauseTotalMs: number;
  /** The longest single pause (ms). */
  pauseMaxMs: number;
  /** Full mark-compact collections. */
  majorCount: number;
  /** Their longest pause (ms). */
  majorMaxMs: number;
  /**
   * How fast the old space filled (MB/s): the sum of its increases between samples, i.e. what
   * was promoted or allocated there, before mark-compacts took it back.
   */
  oldGrowthMBps: number;
}

/** Sums a trace over [from, to] (epoch ms). */
export function summarise(trace: GcTrace, from: number, to: number): GcSummary {
  const events = trace.events.filter((event) => event.at >= from && event.at <= to);
  const major = events.filter((event) => event.kind === 'major');
  let growth = 0;
  // The window's samples and one on either side: a busy server's sampling timer runs late, and
  // a short window may hold fewer than two samples of its own.
  const first = trace.oldSpace.findLastIndex(([at]) => at < from);
  const last = trace.oldSpace.findIndex(([at]) => at > to);
  const samples = trace.oldSpace.slice(
    Math.max(0, first),
    last === -1 ? trace.oldSpace.length : last + 1,
  );
  for (let i = 1; i < samples.length; i += 1) {
    growth += Math.max(0, samples[i]![1] - samples[i - 1]![1]);
  }
  const seconds = samples.length > 1 ? (samples.at(-1)![0] - samples[0]![0]) / 1000 : Number.NaN;
  return {
    pauseTotalMs: events.reduce((sum, event) => sum + event.ms, 0),
    pauseMaxMs: Math.max(0, ...events.map((event) => event.ms)),
    majorCount: major.length,
    majorMaxMs: Math.max(0, ...major.map((event) => event.ms)),
    oldGrowthMBps: growth / 1e6 / seconds,
  };
}

/** The summed trace of several processes (the nodes of one system), or undefined without any. */
export async function readGcSummary(
  files: string[],
  from: number,
  to: number,
): Promise<GcSummary | undefined> {
  const traces = await Promise.all(
    files.map((file) =>
      readFile(file, 'utf8')
        .then((json) => JSON.parse(json) as GcTrace)
        .catch(() => undefined),
    ),
  );
  const summaries = traces.flatMap((trace) => (trace ? [summarise(trace, from, to)] : []));
  if (summaries.length === 0) return undefined;
  return {
    pauseTotalMs: summaries.reduce((sum, s) => sum + s.pauseTotalMs, 0),
    pauseMaxMs: Math.max(...summaries.map((s) => s.pauseMaxMs)),
    majorCount: summaries.reduce((sum, s) => sum + s.majorCount, 0),
    majorMaxMs: Math.max(...summaries.map((s) => s.majorMaxMs)),
    oldGrowthMBps: summaries.reduce((sum, s) => sum + s.oldGrowthMBps, 0),
  };
}
