/**
 * Run as its own process by gc-tuning.spec.ts: a literal's objects first all survive (a burst,
 * like a node's start), then the same literal makes short-lived objects (like relayed frames).
 * Prints how much the old generation took in during the second part, in MB. With `tuned` as
 * argument, gc-tuning.ts is loaded first, as main.ts does.
 */
import { getHeapSpaceStatistics } from 'node:v8';

if (process.argv[2] === 'tuned') await import('../gc-tuning');

const oldSpaceUsed = () =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!.space_used_size;

const make = (i: number) => ({ id: i, next: i + 1 });
const turn = () => new Promise((resolve) => setImmediate(resolve));

// The burst: the literal's objects all alive at several young-generation collections in a row
// (V8 decides "maybe long-lived", then "long-lived").
const kept: { id: number }[] = [];
for (let round = 0; round < 8; round += 1) {
  for (let i = 0; i < 250_000; i += 1) kept.push(make(i));
  await turn();
}
kept.length = 0;
// Short-lived, but escaping (held a moment in a ring), as a frame's objects are.
const ring: { next: number }[] = new Array<{ next: number }>(1_000);
function churn(from: number): number {
  let sum = 0;
  for (let i = from; i < from + 100_000; i += 1) {
    ring[i % ring.length] = make(i);
    sum += ring[(i * 7) % ring.length]?.next ?? 0;
  }
  return sum;
}

// Sum of the old space's increases: what was allocated or promoted there, whatever full
// collections took back meanwhile.
let grown = 0;
let last = oldSpaceUsed();
let sum = 0;
for (let batch = 0; batch < 60; batch += 1) {
  sum += churn(batch * 100_000);
  await turn();
  const used = oldSpaceUsed();
  grown += Math.max(0, used - last);
  last = used;
}
process.stdout.write(JSON.stringify({ oldGrowthMB: grown / 1e6, sum }));
