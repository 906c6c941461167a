import { join } from 'node:path';
import {
  startProcess,
  tailOf,
  waitUntilReady,
  workspaceRoot,
  type ManagedProcess,
} from '@qual-meet/local-servers';
import type { ServiceSpec } from './services';

/** How services run: the production bundles (`dist/…/main.mjs`) or straight from source (tsx). */
export type ServiceMode = 'bundle' | 'source';

export interface RunningService {
  spec: ServiceSpec;
  process: ManagedProcess;
  url: string;
}

export interface RunServicesOptions {
  specs: ServiceSpec[];
  mode: ServiceMode;
  logDir: string;
  /** Called when a service exits on its own (a crash), with its last log lines. */
  onUnexpectedExit?: (service: RunningService, logTail: string) => void;
}

export interface RunningServices {
  services: RunningService[];
  byName(name: string): RunningService;
  /** Stops every service, last started first, each with SIGTERM (graceful). */
  stop(): Promise<void>;
}

function command(spec: ServiceSpec, mode: ServiceMode): { command: string; args: string[] } {
  const root = workspaceRoot();
  if (mode === 'bundle') {
    return {
      command: process.execPath,
      args: ['--enable-source-maps', join(root, 'dist', spec.projectRoot, 'main.mjs')],
    };
  }
  return {
    command: join(root, 'node_modules/.bin/tsx'),
    args: [
      '--tsconfig',
      join(root, 'tools/tsconfig.json'),
      join(root, spec.projectRoot, 'src/main.ts'),
    ],
  };
}

/** Starts services in order, each ready (`/healthz` answers) before the next starts. */
export async function runServices(options: RunServicesOptions): Promise<RunningServices> {
  const running: RunningService[] = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    for (const service of [...running].reverse()) await service.process.stop('SIGTERM');
  };
  try {
    for (const spec of options.specs) {
      const { command: bin, args } = command(spec, options.mode);
      const child = startProcess({
        name: spec.name,
        command: bin,
        args,
        env: { PATH: process.env.PATH ?? '', ...spec.env },
        logFile: join(options.logDir, `${spec.name}.log`),
        cwd: workspaceRoot(),
      });
      const service = { spec, process: child, url: `http://127.0.0.1:${spec.port}` };
      running.push(service);
      await waitUntilReady(child, async () => (await fetch(`${service.url}/healthz`)).ok, 30_000);
      void child.exited.then(async () => {
        if (!stopping) options.onUnexpectedExit?.(service, await tailOf(child.logFile));
      });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    services: running,
    byName(name) {
      const found = running.find((s) => s.spec.name === name);
      if (!found) throw new Error(`no service named ${name}`);
      return found;
    },
    stop,
  };
}
