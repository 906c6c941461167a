/**
 * One measurement in a load-generator process of its own (`npm run bench:signaling` starts one
 * per run). A process that has driven earlier runs (5,000 idle sockets, other systems' saturation)
 * carries a large heap, and its garbage collections then take CPU from the servers it shares the
 * cores with and hold back the frames it receives by several milliseconds: that was the load
 * generator's figure, not the server's. A fresh process per measurement keeps it out, for every
 * system alike.
 *
 * Input on stdin: {@link LoadRunInput} as JSON. Output on stdout: the result as JSON.
 */
import { spawn } from 'node:child_process';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { workspaceRoot } from '@qual-meet/local-servers';
import { cpuSecondsOf, type SystemName } from './servers';
import {
  closeAll,
  latencyAtLoad,
  meshSetup,
  populate,
  saturation,
  type BenchUser,
  type Population,
} from './workload';

interface Clients {
  system: SystemName;
  /** WebSocket URL of each node; room members alternate between them. */
  urls: string[];
  users: BenchUser[];
  roomIds: string[];
  roomSizes: number[];
}

/** The full-mesh setup, then saturation; the servers' CPU is read from /proc by pid. */
export interface SaturationRun extends Clients {
  phase: 'saturation';
  pids: number[];
  candidatesPerPair: number;
  window: number;
  warmupMs: number;
  measureMs: number;
  windows: number;
}

/** Latency at one offered load. */
export interface LatencyRun extends Clients {
  phase: 'latency';
  ratePerSecond: number;
  warmupMs: number;
  durationMs: number;
}

export type LoadRunInput = SaturationRun | LatencyRun;

export interface SaturationResult {
  setup: Awaited<ReturnType<typeof meshSetup>>;
  saturation: Awaited<ReturnType<typeof saturation>>;
  /** Error codes the clients received. */
  errors: string[];
}
export type LatencyResult = Awaited<ReturnType<typeof latencyAtLoad>>;

type ResultOf<T extends LoadRunInput> = T extends SaturationRun ? SaturationResult : LatencyResult;

/** Runs one measurement in a fresh process and resolves with its result. */
export function inFreshProcess<T extends LoadRunInput>(input: T): Promise<ResultOf<T>> {
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
      if (code !== 0) return reject(new Error(`${input.phase} run exited with ${code}`));
      output.then((json) => resolve(JSON.parse(json) as ResultOf<T>), reject);
    });
  });
}

async function measure(input: LoadRunInput, population: Population) {
  if (input.phase === 'latency') return latencyAtLoad(population, input);
  const setup = await meshSetup(population, input.candidatesPerPair);
  const servers = input.pids.map((pid) => ({ cpuSeconds: () => cpuSecondsOf(pid) }));
  const result: SaturationResult = {
    setup,
    saturation: await saturation(population, servers, input),
    errors: [...new Set(population.clients.flatMap((client) => [...client.errors.keys()]))],
  };
  return result;
}

async function run(): Promise<void> {
  const input = JSON.parse(await text(process.stdin)) as LoadRunInput;
  const population = await populate(
    input.system,
    input.urls.map((url) => ({ url })),
    input.users,
    input.roomIds,
    input.roomSizes,
    input.phase === 'saturation',
  );
  const result = await measure(input, population);
  await closeAll(population);
  // Exit at once: an idle timer of a library must not hold the parent's run.
  process.stdout.write(JSON.stringify(result), () => process.exit(0));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
