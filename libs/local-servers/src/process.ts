import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** A server process this code started; `stop()` ends it and waits until it has exited. */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Sends `signal` (default SIGTERM), escalating to SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** Resolves when the process exits, for whatever reason. */
  readonly exited: Promise<number | null>;
}

export interface StartProcessOptions extends Pick<SpawnOptions, 'cwd' | 'env' | 'uid' | 'gid'> {
  name: string;
  command: string;
  args: string[];
  /** Where stdout and stderr go. */
  logFile: string;
}

/** Sends `signal` to every process of a group, if any is left. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already empty.
  }
}

/** Groups of servers still running; ended with this process, however it exits. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
});

/**
 * Spawns a long-running server with its output in a log file, in a process group of its own:
 * Ctrl-C in a terminal then reaches only its supervisor, which stops the servers in order
 * (instead of every one at once, looking like a crash), and when the server dies what it
 * forked (nginx workers, PostgreSQL backends) is ended too, so a restart finds its port free.
 */
export function startProcess(options: StartProcessOptions): ManagedProcess {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    uid: options.uid,
    gid: options.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;
  if (pid !== undefined) liveGroups.add(pid);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      log.write(`\n[${options.name}] failed to start: ${error.message}\n`);
      resolve(null);
    });
    child.once('exit', (code) => {
      if (pid !== undefined) {
        signalGroup(pid, 'SIGKILL');
        liveGroups.delete(pid);
      }
      resolve(code);
    });
  }).finally(() => log.end());
  return {
    name: options.name,
    child,
    logFile: options.logFile,
    exited,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const killed = delay(graceMs, 'timeout' as const, { ref: false });
      if ((await Promise.race([exited, killed])) === 'timeout') {
        signalGroup(child.pid!, 'SIGKILL');
        await exited;
      }
    },
  };
}

/** The last lines of a log, for error messages when a server fails to come up. */
export async function tailOf(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Polls `probe` until it returns true. Readiness of an external server has no event to await
 * (coturn, for one, prints nothing when ready), so this is the one place that polls; it gives up
 * early when the process dies.
 */
export async function waitUntilReady(
  server: ManagedProcess,
  probe: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) break;
    if (await probe().catch(() => false)) return;
    await delay(50);
  }
  const why = exited ? 'exited' : `was not ready within ${timeoutMs} ms`;
  await server.stop('SIGKILL', 1_000);
  throw new Error(`${server.name} ${why}; last log lines:\n${await tailOf(server.logFile)}`);
}

/** True when something accepts TCP connections on host:port. */
export function isTcpOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port that was free on `host` a moment ago (the OS picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
