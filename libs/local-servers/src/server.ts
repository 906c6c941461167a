import { rm } from 'node:fs/promises';
import type { ManagedProcess } from './process';

/**
 * A local server process that can be halted and resumed on the same port and data (to test an
 * outage and recovery) and finally stopped, which also removes its temp folder.
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
  port: number;
  dir: string;
  /** Remove `dir` on stop (it was a temp folder made for this server). */
  removeDirOnStop: boolean;
  /** Signal for a clean, fast shutdown. */
  stopSignal: NodeJS.Signals;
  /** Starts the process and resolves once it serves. */
  launch(): Promise<ManagedProcess>;
}

export async function startLocalServer(spec: LocalServerSpec): Promise<LocalServer> {
  let current = await spec.launch();
  return {
    host: '127.0.0.1',
    port: spec.port,
    dir: spec.dir,
    get process() {
      return current;
    },
    halt: () => current.stop(spec.stopSignal),
    async resume() {
      current = await spec.launch();
    },
    async stop() {
      await current.stop(spec.stopSignal);
      if (spec.removeDirOnStop) await rm(spec.dir, { recursive: true, force: true });
    },
  };
}
