/**
 * Loaded into every server process of the signaling bench (`--import`, before the server's own
 * code) when `BENCH_GC_FILE` names a file: records each garbage collection (a `gc`
 * PerformanceObserver: when, which kind, how long) and the old space's size every 100 ms, and
 * writes them to that file once a second and when the process exits. The bench reads the file
 * after stopping the server and sums what fell inside the measured window (gc-report.ts). Costs
 * the server a callback per collection and a timer; the same for every system measured.
 *
 * `BENCH_HEAP_PROFILE=<dir>` also runs V8's sampling heap profiler over the process's life,
 * keeping the samples of objects that died in old space (collected by a mark-compact, not a
 * scavenge), and writes the profile (Chrome DevTools' `.heapprofile`, named by pid) at exit: what fills the
 * old space, by allocating function.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import type { GcTrace } from './gc-report';

const file = process.env.BENCH_GC_FILE;

const KINDS: Record<number, GcTrace['events'][number]['kind']> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** A `gc` entry: its kind is in `detail` (Node ≥ 16). */
type GcEntry = PerformanceEntry & { detail?: { kind?: number } };

const epochOf = (entry: PerformanceEntry) => performance.timeOrigin + entry.startTime;

function oldSpaceUsed(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!
    .space_used_size;
}

if (file) {
  const trace: GcTrace = { events: [], oldSpace: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as GcEntry).detail?.kind ?? -1;
      trace.events.push({ at: epochOf(entry), kind: KINDS[kind] ?? 'minor', ms: entry.duration });
    }
  }).observe({ entryTypes: ['gc'] });
  const sample = () => trace.oldSpace.push([Date.now(), oldSpaceUsed()]);
  const flush = () => writeFileSync(file, JSON.stringify(trace));
  setInterval(sample, 100).unref();
  setInterval(flush, 1_000).unref();
  process.on('exit', () => {
    sample();
    flush();
  });
}

const heapProfile = process.env.BENCH_HEAP_PROFILE;
if (heapProfile) {
  const inspector = new Session();
  inspector.connect();
  inspector.post('HeapProfiler.enable');
  inspector.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: false,
  });
  // The inspector answers synchronously inside post(): the profile is there before exit ends.
  process.on('exit', () => {
    inspector.post('HeapProfiler.stopSampling', (error, result) => {
      if (!error)
        writeFileSync(`${heapProfile}/${process.pid}.heapprofile`, JSON.stringify(result.profile));
    });
  });
}
