import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  isTcpOpen,
  startProcess,
  waitUntilReady,
  workspaceRoot,
} from '@qual-meet/local-servers';

/** A server process of the bench. */
export interface BenchServer {
  /** `ws://127.0.0.1:<port>` plus the system's WebSocket path. */
  url: string;
  pid: number;
  /** Resident memory of the process now, in bytes (from /proc). */
  rss(): Promise<number>;
  /** Where the process's garbage collections are recorded (gc-probe.ts). */
  gcFile: string;
  /** CPU time the process has used so far (user + system), in seconds (from /proc). */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/** Ours, the Socket.IO baseline, and the bare relay that shows the machine's floor. */
export type SystemName = 'signaling' | 'socketio' | 'floor';

export interface ServerSettings {
  redisUrl: string;
  publicKeyPem: string;
}

const ENTRY: Record<SystemName, string> = {
  signaling: 'apps/signaling-service/src/main.ts',
  socketio: 'tools/bench/signaling/socketio-relay.ts',
  floor: 'tools/bench/signaling/bare-relay.ts',
};

/**
 * Starts one node of a system as its own process, both through the same TypeScript loader and
 * node flags so that none gets an edge; resolves once it accepts connections. Its output goes to
 * a log file in a temporary directory.
 */
export async function startServer(
  system: SystemName,
  index: number,
  settings: ServerSettings,
): Promise<BenchServer> {
  const port = await freePort();
  const dir = await logDir();
  const gcFile = join(dir, `${system}-${index}-${++started}.gc.json`);
  const env: Record<string, string> = {
    BENCH_GC_FILE: gcFile,
    ...(process.env.BENCH_HEAP_PROFILE && { BENCH_HEAP_PROFILE: process.env.BENCH_HEAP_PROFILE }),
    PATH: process.env.PATH ?? '',
    TSX_TSCONFIG_PATH: 'tools/tsconfig.json',
    PORT: String(port),
    REDIS_URL: settings.redisUrl,
    JWT_PUBLIC_KEY: settings.publicKeyPem,
  };
  if (system === 'signaling') {
    Object.assign(env, {
      NODE_ID: `bench-${index}`,
      LOG_LEVEL: 'info',
      // Rooms are seeded in Redis; room-service is never asked.
      ROOM_SERVICE_URL: 'http://127.0.0.1:9',
      // The bench measures relaying, not the per-socket flood limits (the checks still run):
      // frames, bytes, and offers per target (a tenth of the workload is offers, far more per
      // pair than a real negotiation sends; limited, they were refused and counted as lost).
      RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_BURST: '1000000',
      RATE_LIMIT_BYTES_PER_SECOND: '1000000000',
      RATE_LIMIT_BYTES_BURST: '1000000000',
      OFFERS_PER_TARGET_PER_MINUTE: '1000000',
      OFFERS_PER_TARGET_BURST: '1000000',
      // The idle-memory phase opens 5,000 sockets for 200 users.
      MAX_SOCKETS_PER_USER: '1000000',
      // Many clients per node can pile up output at saturation; do not cut them off.
      SEND_BUFFER_LIMIT_BYTES: String(64 * 1024 * 1024),
    });
  }
  const server = startProcess({
    name: `${system}-${index}`,
    command: process.execPath,
    args: [...nodeFlags(system, index), '--import', 'tsx', '--import', PROBE, ENTRY[system]],
    cwd: workspaceRoot(),
    env,
    logFile: join(dir, `${system}-${index}.log`),
  });
  await waitUntilReady(server, () => isTcpOpen(port), 30_000);
  const pid = server.child.pid ?? 0;
  const path = system === 'signaling' ? '/ws' : '';
  return {
    url: `ws://127.0.0.1:${port}${path}`,
    pid,
    rss: () => rssOf(pid),
    gcFile,
    cpuSeconds: () => cpuSecondsOf(pid),
    stop: () => server.stop(),
  };
}

/**
 * `BENCH_CPU_PROFILE=<dir>` writes a V8 CPU profile of every server process into
 * `<dir>/<system>-<index>/` when it stops, to see where a figure comes from;
 * `BENCH_SERVER_NODE_FLAGS` adds node flags to every server (e.g. `--trace-gc`, whose lines go
 * to the server's log).
 */
function nodeFlags(system: SystemName, index: number): string[] {
  const dir = process.env.BENCH_CPU_PROFILE;
  const extra = process.env.BENCH_SERVER_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  return [...(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}/${system}-${index}`] : []), ...extra];
}

/** Records every server's garbage collections (see the file). */
const PROBE = fileURLToPath(new URL('./gc-probe.ts', import.meta.url));
/** Processes started so far: each gets a GC file of its own. */
let started = 0;

let logs: Promise<string> | undefined;
/** One directory of server logs per bench run. */
export const logDir = () => (logs ??= mkdtemp(join(tmpdir(), 'bench-signaling-')));

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return Number(kib ?? 0) * 1024;
}

/** Clock ticks per second of /proc/<pid>/stat times: 100 on Linux (USER_HZ). */
const USER_HZ = 100;

/** CPU time a process has used so far (user + system), in seconds. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) — utime and stime are 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}
