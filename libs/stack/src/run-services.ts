import { join } from 'node:path';
import {
  startProcess,
  supervise,
  waitUntilReady,
  workspaceRoot,
  type ManagedProcess,
  type Supervised,
  type SupervisionOptions,
} from '@qual-meet/local-servers';
import type { ServiceSpec } from './services';

/** How services run: the production bundles (`dist/…/main.mjs`) or straight from source (tsx). */
export type ServiceMode = 'bundle' | 'source';

export interface RunningService {
  spec: ServiceSpec;
  /** The current process (a new one after a supervised restart). */
  readonly process: ManagedProcess;
  url: string;
}

export interface RunServicesOptions {
  specs: ServiceSpec[];
  mode: ServiceMode;
  logDir: string;
  /** Restart a service that dies on its own, with backoff; without, a crash leaves it down. */
  supervision?: SupervisionOptions;
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

/** Starts a service and resolves once it answers `/healthz`. */
async function launch(spec: ServiceSpec, options: RunServicesOptions): Promise<ManagedProcess> {
  const { command: bin, args } = command(spec, options.mode);
  const child = startProcess({
    name: spec.name,
    command: bin,
    args,
    env: { PATH: process.env.PATH ?? '', ...spec.env },
    logFile: join(options.logDir, `${spec.name}.log`),
    cwd: workspaceRoot(),
  });
  await waitUntilReady(
    child,
    async () => (await fetch(`http://127.0.0.1:${spec.port}/healthz`)).ok,
    SERVICE_READY_TIMEOUT_MS,
  );
  return child;
}

/** A service that is only started and stopped. */
async function unsupervised(spec: ServiceSpec, options: RunServicesOptions): Promise<Supervised> {
  const child = await launch(spec, options);
  return {
    name: spec.name,
    process: child,
    halt: () => child.stop('SIGTERM'),
    resume: () => Promise.reject(new Error(`${spec.name} is not supervised`)),
    stop: () => child.stop('SIGTERM'),
  };
}

/**
 * Starts every service at once (none needs another to start: they reach each other per request)
 * and resolves when all are ready (`/healthz` answers); if one fails to come up, all are stopped.
 */
export async function runServices(options: RunServicesOptions): Promise<RunningServices> {
  const started = await Promise.allSettled(
    options.specs.map((spec) =>
      options.supervision
        ? supervise({
            ...options.supervision,
            name: spec.name,
            stopSignal: 'SIGTERM',
            launch: () => launch(spec, options),
          })
        : unsupervised(spec, options),
    ),
  );
  const kept = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async () => {
    for (const service of [...kept].reverse()) await service.stop();
  };
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const running: RunningService[] = options.specs.map((spec, i) => ({
    spec,
    url: `http://127.0.0.1:${spec.port}`,
    get process() {
      return kept[i]!.process;
    },
  }));
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
