/**
 * Soak: the whole platform (PostgreSQL, Redis, coturn, auth-service, room-service,
 * turn-credential-service, api-gateway, two signaling nodes, nginx — real processes on free
 * loopback ports) under meetings that keep forming, talking and leaving for a bounded time.
 * Every window (a minute; 20 s in quick mode) it prints each service's RSS, heap used, worst
 * event-loop delay p99 and open handles, and Redis's memory. At the end, once everyone has left,
 * it judges: each service's heap flat after warm-up, and no meeting key left in Redis. Exit code
 * 1 when either fails.
 *
 * Usage: npm run bench:soak [-- options]
 *   --minutes N    how long meetings keep starting (default 10)
 *   --quick        2 minutes, 20-s windows, fewer meetings: a try of the soak itself (memory
 *                  is shown but not judged: too few full collections in 2 minutes)
 *   --meetings N   meetings at once (default 6; 3 with --quick)
 *   --source       run the services from source (tsx) instead of building the bundles first
 */
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { buildApps, generateStackSecrets, startPlatform } from '@qual-meet/stack';
import { fmt } from '../lib/stats';
import { heapFlatness } from './flatness';
import {
  newTally,
  runMeeting,
  signUp,
  type Account,
  type MeetingPlan,
  type Venue,
} from './meetings';
import {
  countKeys,
  EXPIRING_KEY_PATTERNS,
  MEETING_KEY_PATTERNS,
  readProcess,
  redisUsedMemory,
  type ProcessReading,
} from './probes';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string' },
    quick: { type: 'boolean', default: false },
    meetings: { type: 'string' },
    source: { type: 'boolean', default: false },
  },
});
const quick = flags.quick;
const count = (name: string, value: string | undefined, fallback: number) => {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
};
const minutes = count('minutes', flags.minutes, quick ? 2 : 10);
const concurrent = Math.round(count('meetings', flags.meetings, quick ? 3 : 6));
const WINDOW_MS = quick ? 20_000 : 60_000;
/** Windows left out of the verdict: JIT, caches and pools filling up. */
const WARMUP_WINDOWS = 2;
/** Readings per process: every 5 s, so each window's lowest heap reading is near a trough. */
const READING_MS = 5_000;
/**
 * The pass line for "memory flat after warm-up": the slope of each service's heap used after
 * warm-up (fitted as flatness.ts says), at most this many MB per minute. At the default load a
 * kilobyte kept per meeting would show as ~0.02 MB/min, one kept per relayed frame as several.
 */
const MAX_HEAP_SLOPE_MB_PER_MINUTE = 1;
const MEETING_SIZES = [3, 4, 5, 6];
const plan: MeetingPlan = {
  talkMs: quick ? [8_000, 16_000] : [20_000, 45_000],
  candidateEveryMs: 1_000,
  renegotiateEveryMs: 8_000,
  chatEveryMs: 3_000,
};
const log = (line: string) => process.stdout.write(`${line}\n`);

if (!flags.source) {
  log('building the services (npx nx run-many -t build)…');
  buildApps();
}
const startedAt = Date.now();
const platform = await startPlatform({
  mode: flags.source ? 'source' : 'bundle',
  local: true,
  logLevel: 'warn',
  secrets: generateStackSecrets(),
});
const redis = new Redis(platform.redis.url(0));
let exitCode = 1;
try {
  const venue: Venue = {
    origin: platform.url,
    signalingUrls: platform.ports.signaling.map((port) => `ws://127.0.0.1:${port}/ws`),
  };
  const services = platform.services.services.map((s) => ({ name: s.spec.name, url: s.url }));
  log(
    `soak: ${minutes} min of meetings, ${concurrent} at once (${MEETING_SIZES.join('–')} people, ${plan.talkMs.map((ms) => ms / 1000).join('–')} s each), across ${venue.signalingUrls.length} signaling nodes; platform up in ${fmt((Date.now() - startedAt) / 1000, 0)} s, logs in ${platform.runtimeDir}/logs`,
  );

  const accounts: Account[] = Array.from({ length: concurrent * 6 + 6 }, (_, i) => ({
    email: `soak${i}-${Date.now()}@example.com`,
    password: `soak-password-${i}-long-enough`,
  }));
  for (const account of accounts) await signUp(venue, account);
  const free = [...accounts];
  const tally = newTally();

  // Readings of every service every 5 s until the end.
  const readings = new Map<string, ProcessReading[]>(services.map((s) => [s.name, []]));
  const redisMemory: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const service of services) {
        const reading = await readProcess(service.url);
        if (reading) readings.get(service.name)!.push(reading);
      }
      redisMemory.push(await redisUsedMemory(redis));
      await delay(READING_MS);
    }
  })();

  // Meetings: `concurrent` lanes, each starting a new meeting as soon as its last one ended.
  const soakStart = Date.now();
  const endAt = soakStart + minutes * 60_000;
  const lanes = Array.from({ length: concurrent }, async () => {
    while (Date.now() < endAt) {
      const size = MEETING_SIZES[Math.floor(Math.random() * MEETING_SIZES.length)]!;
      const people = free.splice(0, size);
      await runMeeting(venue, people, plan, tally);
      free.push(...people);
    }
  });

  // A line per service every window.
  const reporter = setInterval(() => {
    log(
      `\n[${fmt(((Date.now() - soakStart) / 60_000) * 1, 1)} min] ${tally.meetings} meetings done (${tally.failed} failed), ${tally.framesSent} frames sent, ${tally.framesReceived} received; Redis used_memory ${fmt((redisMemory.at(-1) ?? NaN) / 1e6, 1)} MB`,
    );
    const since = Date.now() - WINDOW_MS;
    for (const service of services) {
      const recent = readings.get(service.name)!.filter((r) => r.at >= since);
      const last = recent.at(-1);
      log(
        `  ${service.name.padEnd(24)} rss ${fmt((last?.rssBytes ?? NaN) / 1e6, 1).padStart(6)} MB  heap ${fmt((last?.heapUsedBytes ?? NaN) / 1e6, 1).padStart(6)} MB  loop p99 ${fmt(Math.max(...recent.map((r) => r.loopP99Ms)), 1).padStart(6)} ms  handles ${String(last?.handles ?? '–').padStart(4)}`,
      );
    }
  }, WINDOW_MS);

  await Promise.all(lanes);
  clearInterval(reporter);
  sampling = false;
  await sampler;

  // Everyone has left: nothing of a meeting may remain. Leaves run on the servers a moment
  // after the sockets close, so this waits for them (bounded).
  const deadline = Date.now() + 30_000;
  let left = await countKeys(redis, MEETING_KEY_PATTERNS);
  while ([...left.values()].some((n) => n > 0) && Date.now() < deadline) {
    await delay(500);
    left = await countKeys(redis, MEETING_KEY_PATTERNS);
  }
  const expiring = await countKeys(redis, EXPIRING_KEY_PATTERNS);

  log(
    `\n${tally.meetings} meetings (${tally.failed} failed), ${tally.framesSent} frames sent, ${tally.framesReceived} received, error frames: ${tally.errors.size ? [...tally.errors].map(([code, n]) => `${code} ${n}`).join(', ') : 'none'}`,
  );
  for (const failure of tally.failures) log(`  failure: ${failure}`);
  log('');
  log(
    `| service | heap slope after warm-up (MB/min, ≤ ${MAX_HEAP_SLOPE_MB_PER_MINUTE}) | fitted to | RSS first → last (MB) | heap first → last (MB) | worst loop p99 (ms) | handles first → last |`,
  );
  log('|---|---:|---:|---|---|---:|---|');
  let flat = true;
  for (const service of services) {
    const all = readings.get(service.name)!;
    const after = all.filter((r) => r.at >= soakStart + WARMUP_WINDOWS * WINDOW_MS);
    const { slopeMBPerMinute, basis, points } = heapFlatness(
      all,
      soakStart,
      WINDOW_MS,
      WARMUP_WINDOWS,
    );
    const ok = slopeMBPerMinute <= MAX_HEAP_SLOPE_MB_PER_MINUTE;
    flat &&= ok;
    const span = (pick: (r: ProcessReading) => number, scale = 1e6) =>
      `${fmt(pick(after[0]!) / scale, 1)} → ${fmt(pick(after.at(-1)!) / scale, 1)}`;
    log(
      `| ${service.name} | ${fmt(slopeMBPerMinute, 2)} ${ok ? 'flat' : 'NOT flat'} | ${points} ${basis} | ${after.length ? span((r) => r.rssBytes) : '–'} | ${after.length ? span((r) => r.heapUsedBytes) : '–'} | ${fmt(Math.max(...after.map((r) => r.loopP99Ms)), 1)} | ${after.length ? span((r) => r.handles, 1) : '–'} |`,
    );
  }
  const afterRedis = redisMemory.slice(Math.floor((WARMUP_WINDOWS * WINDOW_MS) / READING_MS));
  log(
    `Redis used_memory after warm-up: ${fmt((afterRedis[0] ?? NaN) / 1e6, 2)} → ${fmt((afterRedis.at(-1) ?? NaN) / 1e6, 2)} MB`,
  );
  const clean = [...left.values()].every((n) => n === 0);
  log(
    `meeting keys left in Redis once everyone had left: ${[...left].map(([pattern, n]) => `${pattern} ${n}`).join(', ')} → ${clean ? 'none' : 'SOME LEFT'}`,
  );
  log(
    `(expiring by themselves, not judged: ${[...expiring].map(([pattern, n]) => `${pattern} ${n}`).join(', ')})`,
  );
  // Two minutes hold too few full collections for the heap fit to mean anything: quick mode
  // shows the slopes but judges only the keys.
  const memoryJudged = !quick;
  const passed = (flat || !memoryJudged) && clean && tally.meetings > 0;
  log(
    `\nsoak ${passed ? 'PASSED' : 'FAILED'}: memory ${flat ? 'flat' : 'NOT flat'} after warm-up${memoryJudged ? '' : ' (not judged in quick mode)'}, ${clean ? 'no' : 'some'} meeting keys left${tally.meetings > 0 ? '' : ', no meeting completed'}`,
  );
  exitCode = passed ? 0 : 1;
} finally {
  redis.disconnect();
  await platform.stop();
}
process.exit(exitCode);
