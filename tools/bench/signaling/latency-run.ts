/**
 * One latency measurement in a load-generator process of its own (`npm run bench:signaling`
 * starts it). A process that has just driven a saturation run carries a large heap, and its
 * garbage collections then hold back the frames it receives by several milliseconds: that was
 * the load generator's p99, not the server's. A fresh process per measurement keeps it out, for
 * both systems alike.
 *
 * Input on stdin: {@link LatencyRunInput} as JSON. Output on stdout: the result as JSON.
 */
import { spawn } from 'node:child_process';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { workspaceRoot } from '@qual-meet/local-servers';
import type { SystemName } from './servers';
import { closeAll, latencyAtLoad, populate, type BenchUser } from './workload';

export interface LatencyRunInput {
  system: SystemName;
  /** WebSocket URL of each node; room members alternate between them. */
  urls: string[];
  users: BenchUser[];
  roomIds: string[];
  roomSizes: number[];
  ratePerSecond: number;
  warmupMs: number;
  durationMs: number;
}

export type LatencyResult = Awaited<ReturnType<typeof latencyAtLoad>>;

/** Runs one measurement in a fresh process and resolves with its result. */
export function latencyInFreshProcess(input: LatencyRunInput): Promise<LatencyResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: workspaceRoot(),
    env: { ...process.env, TSX_TSCONFIG_PATH: 'tools/tsconfig.json' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.end(JSON.stringify(input));
  const output = text(child.stdout);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`latency run exited with ${code}`));
      output.then((json) => resolve(JSON.parse(json) as LatencyResult), reject);
    });
  });
}

async function run(): Promise<void> {
  const input = JSON.parse(await text(process.stdin)) as LatencyRunInput;
  const population = await populate(
    input.system,
    input.urls.map((url) => ({ url })),
    input.users,
    input.roomIds,
    input.roomSizes,
  );
  const result = await latencyAtLoad(population, input);
  await closeAll(population);
  // Exit at once: an idle timer of a library must not hold the parent's run.
  process.stdout.write(JSON.stringify(result), () => process.exit(0));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
