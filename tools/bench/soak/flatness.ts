/** Least-squares slope of y over x. */
export function slope(points: [x: number, y: number][]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

/**
 * How a process's heap moved after warm-up. Heap used is a sawtooth, and between two full
 * collections its low points still hold the old generation's garbage, so lows alone rise
 * until the next mark-compact even without a leak. The slope is therefore fitted to the readings
 * taken right after a mark-compact (at most one reading period later): the closest an outside
 * observer gets to "what is live". With fewer than three of those after warm-up (few full
 * collections at a light load), it falls back to each window's lowest reading, and says so.
 */
export interface Flatness {
  /** MB per minute. */
  slopeMBPerMinute: number;
  /** What the slope was fitted to, and how many points. */
  basis: 'after mark-compacts' | 'window lows';
  points: number;
}

interface HeapReading {
  at: number;
  heapUsedBytes: number;
  majorGcs: number;
}

export function heapFlatness(
  readings: HeapReading[],
  startedAt: number,
  windowMs: number,
  warmupWindows: number,
): Flatness {
  const warm = startedAt + warmupWindows * windowMs;
  const toPoint = (at: number, bytes: number): [number, number] => [
    (at - startedAt) / 60_000,
    bytes / 1e6,
  ];
  const afterMajor = readings
    .filter((r, i) => i > 0 && r.at >= warm && r.majorGcs > readings[i - 1]!.majorGcs)
    .map((r) => toPoint(r.at, r.heapUsedBytes));
  if (afterMajor.length >= 3) {
    return {
      slopeMBPerMinute: slope(afterMajor),
      basis: 'after mark-compacts',
      points: afterMajor.length,
    };
  }
  const lows = new Map<number, HeapReading>();
  for (const reading of readings) {
    if (reading.at < warm || !Number.isFinite(reading.heapUsedBytes)) continue;
    const window = Math.floor((reading.at - startedAt) / windowMs);
    const low = lows.get(window);
    if (!low || reading.heapUsedBytes < low.heapUsedBytes) lows.set(window, reading);
  }
  const points = [...lows.values()].map((r) => toPoint(r.at, r.heapUsedBytes));
  return { slopeMBPerMinute: slope(points), basis: 'window lows', points: points.length };
}
