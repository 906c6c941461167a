import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** A readiness probe of one dependency: resolves when it answers, rejects otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

export interface HealthOptions {
  /** Named dependency checks run by `/readyz`, e.g. `{ postgres, redis }`. */
  checks: Record<string, ReadinessCheck>;
  /** A check slower than this counts as down. */
  timeoutMs?: number;
}

async function within(check: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([check().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /healthz`: the process is up. `GET /readyz`: every dependency answers; 503 with the
 * state of each otherwise, so an orchestrator routes traffic elsewhere.
 */
export const healthRoutes = fp<HealthOptions>(
  async (app: FastifyInstance, { checks, timeoutMs = 1_000 }) => {
    app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
    app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
      const names = Object.keys(checks);
      const results = await Promise.all(names.map((name) => within(checks[name]!, timeoutMs)));
      const state = Object.fromEntries(names.map((name, i) => [name, results[i] ? 'up' : 'down']));
      const ready = results.every(Boolean);
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ok' : 'unavailable', checks: state });
    });
  },
  { name: 'health-routes' },
);
