import type { Redis } from 'ioredis';
import { RedisKeys } from '@qual-meet/redis';

/** One reading of a service process, from its own `/metrics` (prom-client's default metrics). */
export interface ProcessReading {
  at: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Event-loop delay p99 since the previous scrape (prom-client resets it at each one). */
  loopP99Ms: number;
  /** Handles libuv holds open: sockets, servers, timers (`nodejs_active_handles_total`). */
  handles: number;
  /** Mark-compacts so far (`nodejs_gc_duration_seconds_count{kind="major"}`). */
  majorGcs: number;
}

/**
 * A metric's value in Prometheus text, whatever prefix the service gives its default metrics
 * (signaling-service's are `signaling_…`): the sum over its label sets (those with `label` in
 * them, when given).
 */
export function metricValue(text: string, name: string, label?: string): number {
  let total = Number.NaN;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    const series = line.slice(0, space);
    const bare = series.split('{', 1)[0]!;
    if (bare !== name && !bare.endsWith(`_${name}`)) continue;
    if (label && !series.includes(label)) continue;
    total = (Number.isNaN(total) ? 0 : total) + Number(line.slice(space + 1));
  }
  return total;
}

export async function readProcess(serviceUrl: string): Promise<ProcessReading | undefined> {
  try {
    const response = await fetch(`${serviceUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    return {
      at: Date.now(),
      rssBytes: metricValue(text, 'process_resident_memory_bytes'),
      heapUsedBytes: metricValue(text, 'nodejs_heap_size_used_bytes'),
      loopP99Ms: metricValue(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
      handles: metricValue(text, 'nodejs_active_handles_total'),
      // The series appears with the first mark-compact: none yet is zero.
      majorGcs: metricValue(text, 'nodejs_gc_duration_seconds_count', 'kind="major"') || 0,
    };
  } catch {
    return undefined;
  }
}

/** Redis's `used_memory` (bytes). */
export async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}

/**
 * What a meeting leaves in Redis while anyone is in it (DESIGN §5, libs/redis `RedisKeys`):
 * seats, presence, the lock, removals and hands of a room, the node's room index, a user's open
 * sockets. Once everyone has left, none of these may exist. (`room:{id}` is room-service's cache
 * of the meeting record and `signaling_user_joins:{user}` a one-minute counter: both expire by
 * themselves and are reported, not judged.)
 */
export const MEETING_KEY_PATTERNS = [
  RedisKeys.presence('*', '*'),
  RedisKeys.roomMembers('*'),
  RedisKeys.roomLock('*'),
  RedisKeys.roomRemoved('*'),
  RedisKeys.roomHands('*'),
  RedisKeys.nodeRooms('*'),
  RedisKeys.userSockets('*'),
];
export const EXPIRING_KEY_PATTERNS = [RedisKeys.room('*'), RedisKeys.userJoins('*')];

/** How many keys match each pattern (SCAN, never KEYS). */
export async function countKeys(redis: Redis, patterns: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const pattern of patterns) {
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      count += keys.length;
    } while (cursor !== '0');
    counts.set(pattern, count);
  }
  return counts;
}
