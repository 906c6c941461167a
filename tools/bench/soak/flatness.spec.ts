import { heapFlatness, slope } from './flatness';
import { metricValue } from './probes';

const MINUTE = 60_000;

describe('slope', () => {
  it('fits a line', () => {
    expect(
      slope([
        [0, 1],
        [1, 3],
        [2, 5],
      ]),
    ).toBeCloseTo(2);
    expect(slope([[0, 1]])).toBeNaN();
  });
});

describe('heapFlatness', () => {
  /** A sawtooth: climbs 10 MB per window, drops back at a mark-compact each window. */
  const sawtooth = (liveMBPerMinute: number) =>
    Array.from({ length: 60 }, (_, i) => {
      const at = i * 10_000;
      const live = 20 + (liveMBPerMinute * at) / MINUTE;
      const sinceGc = i % 6;
      return { at, heapUsedBytes: (live + sinceGc * 2) * 1e6, majorGcs: Math.floor(i / 6) };
    });

  it('fits the readings right after mark-compacts', () => {
    const flat = heapFlatness(sawtooth(0), 0, MINUTE, 2);
    expect(flat.basis).toBe('after mark-compacts');
    expect(flat.slopeMBPerMinute).toBeCloseTo(0);
    expect(heapFlatness(sawtooth(3), 0, MINUTE, 2).slopeMBPerMinute).toBeCloseTo(3);
  });

  it('falls back to window lows without enough full collections', () => {
    const noMajor = sawtooth(1).map((r) => ({ ...r, majorGcs: 0 }));
    const flat = heapFlatness(noMajor, 0, MINUTE, 2);
    expect(flat.basis).toBe('window lows');
    expect(flat.points).toBe(8);
    expect(flat.slopeMBPerMinute).toBeCloseTo(1);
  });
});

describe('metricValue', () => {
  const text = [
    '# HELP signaling_nodejs_heap_size_used_bytes heap',
    'signaling_nodejs_heap_size_used_bytes{node="a"} 1234',
    'nodejs_gc_duration_seconds_count{kind="minor"} 40',
    'nodejs_gc_duration_seconds_count{kind="major"} 3',
  ].join('\n');

  it('reads a default metric under any prefix, by label', () => {
    expect(metricValue(text, 'nodejs_heap_size_used_bytes')).toBe(1234);
    expect(metricValue(text, 'nodejs_gc_duration_seconds_count', 'kind="major"')).toBe(3);
    expect(metricValue(text, 'nodejs_gc_duration_seconds_count')).toBe(43);
    expect(metricValue(text, 'process_resident_memory_bytes')).toBeNaN();
  });
});
