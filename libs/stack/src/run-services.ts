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
  /** Stops every service, in the reverse order of the specs, each with SIGTERM (graceful). */
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

/**
 * How long a service may take to answer `/healthz`: a deadline, not a wait. Six Node processes
 * starting at once on a busy two-core machine have taken over 30 s.
 */
const SERVICE_READY_TIMEOUT_MS = 90_000;

/**
 * Starts every service at once (none needs another to start: they reach each other per request)
 * and resolves when all are ready (`/healthz` answers); if one fails to come up, all are stopped.
 */
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
      running.push({ spec, process: child, url: `http://127.0.0.1:${spec.port}` });
    }
    await Promise.all(
      running.map((service) =>
        waitUntilReady(
          service.process,
          async () => (await fetch(`${service.url}/healthz`)).ok,
          SERVICE_READY_TIMEOUT_MS,
        ),
      ),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  for (const service of running) {
    void service.process.exited.then(async () => {
      if (!stopping) options.onUnexpectedExit?.(service, await tailOf(service.process.logFile));
    });
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
