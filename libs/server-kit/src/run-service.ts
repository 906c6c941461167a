import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { ConfigError, loadConfig } from './config';

export interface RunServiceOptions<S extends z.ZodType> {
  configSchema: S;
  /** Builds the app from parsed config; the app's `onClose` hooks release its clients. */
  build: (config: z.output<S>) => Promise<FastifyInstance>;
  listen: (config: z.output<S>) => { host: string; port: number };
  /** Longest time to drain in-flight work on shutdown before exiting anyway. */
  shutdownTimeoutMs?: number;
}

/**
 * The body of every service's `main.ts`: read config (one line and exit 1 when it is wrong),
 * build, listen, and on SIGTERM/SIGINT close gracefully — stop accepting, finish in-flight
 * requests, then let `onClose` hooks close pools.
 */
export async function runService<S extends z.ZodType>(
  options: RunServiceOptions<S>,
): Promise<void> {
  let config: z.output<S>;
  try {
    config = loadConfig(options.configSchema, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const app = await options.build(config);
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      app.log.error('shutdown timed out');
      process.exit(1);
    }, options.shutdownTimeoutMs ?? 10_000);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await app.listen(options.listen(config));
}
