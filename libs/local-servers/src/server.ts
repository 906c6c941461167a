import { rm } from 'node:fs/promises';
import type { ManagedProcess } from './process';
import { supervise, type Supervised, type SupervisionOptions } from './supervisor';

/**
 * A local server process that can be halted and resumed on the same port and data (to test an
 * outage and recovery) and finally stopped, which also removes its temp folder. Supervised, it
 * is also restarted when it dies on its own.
 */
export interface LocalServer {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  /** The current process. */
  readonly process: ManagedProcess;
  halt(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalServerSpec {
  name: string;
  port: number;
  dir: string;
  /** Remove `dir` on stop (it was a temp folder made for this server). */
  removeDirOnStop: boolean;
  /** Signal for a clean, fast shutdown. */
  stopSignal: NodeJS.Signals;
  /** Starts the process and resolves once it serves. */
  launch(): Promise<ManagedProcess>;
  /** Restart it with backoff when it dies on its own; without, a crash leaves it down. */
  supervision?: SupervisionOptions;
}

/** What every `startLocal…` takes besides its own settings. */
export interface SupervisedServerOptions {
  supervision?: SupervisionOptions;
}

/** A process that is only started and stopped (a crash leaves it down). */
async function unsupervised(spec: LocalServerSpec): Promise<Supervised> {
  let current = await spec.launch();
  return {
    name: spec.name,
    get process() {
      return current;
    },
    halt: () => current.stop(spec.stopSignal),
    async resume() {
      current = await spec.launch();
    },
    stop: () => current.stop(spec.stopSignal),
  };
}

export async function startLocalServer(spec: LocalServerSpec): Promise<LocalServer> {
  const kept = spec.supervision
    ? await supervise({ ...spec.supervision, ...spec })
    : await unsupervised(spec);
  return {
    host: '127.0.0.1',
    port: spec.port,
    dir: spec.dir,
    get process() {
      return kept.process;
    },
    halt: () => kept.halt(),
    resume: () => kept.resume(),
    async stop() {
      await kept.stop();
      if (spec.removeDirOnStop) await rm(spec.dir, { recursive: true, force: true });
    },
  };
}
