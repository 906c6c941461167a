import { tailOf, type ManagedProcess } from './process';

/** How a supervisor restarts a process that died on its own. */
export interface RestartPolicy {
  /** Wait before the first restart; each further crash in a row doubles it. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A process that ran this long before crashing is healthy again: its crash count restarts. */
  stableAfterMs: number;
  /** From this many crashes in a row on, the console says it is a crash loop. */
  crashLoopAfter: number;
}

/**
 * A quick first restart (a signaling node is back well inside the 10 s a call's reconnect
 * allows), then doubling to half a minute, so a process that cannot start does not eat the CPU.
 */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 250,
  maxDelayMs: 30_000,
  stableAfterMs: 30_000,
  crashLoopAfter: 3,
};

/** What a supervisor reports, for the console (`describeSupervisorEvent`) and tests. */
export type SupervisorEvent =
  | {
      type: 'crashed';
      name: string;
      /** `code 1`, `signal SIGKILL`… */
      exit: string;
      logTail: string;
      /** Crashes in a row, this one included. */
      crashes: number;
      crashLoop: boolean;
      restartInMs: number;
    }
  | { type: 'restarted'; name: string; crashes: number }
  | {
      type: 'restart-failed';
      name: string;
      reason: string;
      crashes: number;
      crashLoop: boolean;
      restartInMs: number;
    };

/** The clock a supervisor waits with; tests pass a fake one. */
export interface SupervisorClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: SupervisorClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SupervisionOptions {
  policy?: Partial<RestartPolicy>;
  onEvent(event: SupervisorEvent): void;
  clock?: SupervisorClock;
}

export interface SuperviseOptions extends SupervisionOptions {
  name: string;
  /** Starts the process and resolves once it serves; rejects (having ended it) if it cannot. */
  launch(): Promise<ManagedProcess>;
  /** Signal for a clean, fast shutdown. */
  stopSignal: NodeJS.Signals;
}

/** A process kept running: restarted with backoff when it dies unless halted or stopped. */
export interface Supervised {
  readonly name: string;
  /** The current process (the last one started, while it restarts). */
  readonly process: ManagedProcess;
  /** Stops it on purpose (an outage drill); it stays down until `resume()`. */
  halt(): Promise<void>;
  resume(): Promise<void>;
  /** Stops it for good; a pending restart is cancelled, one under way is undone. */
  stop(): Promise<void>;
}

type State =
  | { status: 'running'; since: number }
  | { status: 'waiting'; timer: unknown }
  | { status: 'launching'; done: Promise<void> }
  | { status: 'halted' }
  | { status: 'stopped' };

/** The wait before restart number `crashes` (1 = the first crash in a row). */
export function restartDelay(policy: RestartPolicy, crashes: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, crashes - 1));
}

function exitOf(ended: ManagedProcess): string {
  const { exitCode, signalCode } = ended.child;
  if (signalCode) return `signal ${signalCode}`;
  return exitCode === null ? 'failed to start' : `code ${exitCode}`;
}

/** Starts a process and keeps it running (see `Supervised`). */
export async function supervise(options: SuperviseOptions): Promise<Supervised> {
  const policy = { ...DEFAULT_RESTART_POLICY, ...options.policy };
  const clock = options.clock ?? systemClock;
  let current = await options.launch();
  let state: State = { status: 'running', since: clock.now() };
  let crashes = 0;

  const watch = (running: ManagedProcess) => {
    void running.exited.then(async () => {
      if (running !== current || state.status !== 'running') return;
      crashes = clock.now() - state.since >= policy.stableAfterMs ? 1 : crashes + 1;
      const restartInMs = restartDelay(policy, crashes);
      schedule(restartInMs);
      options.onEvent({
        type: 'crashed',
        name: options.name,
        exit: exitOf(running),
        logTail: await tailOf(running.logFile),
        crashes,
        crashLoop: crashes >= policy.crashLoopAfter,
        restartInMs,
      });
    });
  };

  const schedule = (delayMs: number) => {
    state = { status: 'waiting', timer: clock.setTimeout(restart, delayMs) };
  };

  const restart = () => {
    if (state.status === 'waiting') state = { status: 'launching', done: relaunch() };
  };

  const relaunch = async () => {
    try {
      // If it was halted or stopped meanwhile, `bringDown` ends this one once it is up.
      current = await options.launch();
      if (state.status !== 'launching') return;
      state = { status: 'running', since: clock.now() };
      watch(current);
      options.onEvent({ type: 'restarted', name: options.name, crashes });
    } catch (error) {
      if (state.status !== 'launching') return;
      crashes += 1;
      const restartInMs = restartDelay(policy, crashes);
      schedule(restartInMs);
      options.onEvent({
        type: 'restart-failed',
        name: options.name,
        reason: error instanceof Error ? error.message : String(error),
        crashes,
        crashLoop: crashes >= policy.crashLoopAfter,
        restartInMs,
      });
    }
  };

  /** Ends whatever runs or is about to, leaving the state `next`. */
  const bringDown = async (next: 'halted' | 'stopped') => {
    const previous = state;
    state = { status: next };
    if (previous.status === 'waiting') clock.clearTimeout(previous.timer);
    if (previous.status === 'launching') await previous.done;
    await current.stop(options.stopSignal);
  };

  watch(current);
  return {
    name: options.name,
    get process() {
      return current;
    },
    halt: () => bringDown('halted'),
    async resume() {
      if (state.status !== 'halted') return;
      current = await options.launch();
      state = { status: 'running', since: clock.now() };
      crashes = 0;
      watch(current);
    },
    stop: () => bringDown('stopped'),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

function backingOff(event: {
  name: string;
  crashes: number;
  crashLoop: boolean;
  restartInMs: number;
}) {
  const when = `restarting ${event.name} in ${seconds(event.restartInMs)}`;
  return event.crashLoop
    ? `${event.name} keeps crashing (${event.crashes} times in a row): backing off, ${when}`
    : when;
}

/** A supervisor event as the console shows it. */
export function describeSupervisorEvent(event: SupervisorEvent): string {
  switch (event.type) {
    case 'crashed': {
      const tail = event.logTail ? `; last log lines:\n${event.logTail}\n` : '; ';
      return `${event.name} crashed (${event.exit})${tail}${backingOff(event)}`;
    }
    case 'restarted':
      return `${event.name} restarted and is serving again`;
    case 'restart-failed':
      return `${event.name} did not come back: ${event.reason}\n${backingOff(event)}`;
  }
}
