import Fastify, { type RouteOptions } from 'fastify';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { Limits } from '@qual-meet/protocol';
import { errorHandler, type ErrorMapper } from './error-handler';
import { healthRoutes, type ReadinessCheck } from './health';
import { metricsRoutes } from './metrics';
import { loggerOptions, REQUEST_ID_HEADER, requestIdFor, type LogLevel } from './logging';

export interface ServiceAppOptions {
  /** Service name, on every log line. */
  name: string;
  logLevel: LogLevel;
  /** Dependency checks for `/readyz`. */
  readiness: Record<string, ReadinessCheck>;
  /** Service-specific error translations (e.g. a database outage into 503). */
  errorMappers?: ErrorMapper[];
  /** Serve `GET /metrics` (Prometheus). */
  metrics?: boolean;
  /** Addresses of proxies whose `X-Forwarded-*` headers are trusted. */
  trustProxy?: boolean | string | string[];
}

/**
 * The Fastify instance every QUAL_MEET service starts from: JSON logs with request ids that
 * follow a request across services, zod validation through `libs/protocol` schemas, the shared
 * error shape, JSON bodies of at most 16 KiB (any other media type is 415), and `/healthz` +
 * `/readyz`.
 */
export async function createServiceApp(options: ServiceAppOptions) {
  const app = Fastify({
    logger: loggerOptions(options.name, options.logLevel),
    genReqId: requestIdFor,
    requestIdHeader: false,
    bodyLimit: Limits.httpBodyBytes,
    trustProxy: options.trustProxy ?? false,
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  // The API speaks JSON only: Fastify would otherwise also take text/plain.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  // Every route of the public API has its schemas (from the endpoint table), so the OpenAPI
  // document cannot leave one out: a route without them stops the app at start, and its tests.
  // Checked once all plugins have had their say (the gateway adds its schemas in `onRoute`).
  const apiRoutes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/')) apiRoutes.push(route as RouteOptions);
  });
  app.addHook('onReady', async () => {
    const bare = apiRoutes.find((r) => !r.schema?.response && !r.schema?.hide);
    if (bare) throw new Error(`route ${String(bare.method)} ${bare.url} has no response schema`);
  });
  await app.register(errorHandler, { mappers: options.errorMappers ?? [] });
  await app.register(healthRoutes, { checks: options.readiness });
  if (options.metrics) await app.register(metricsRoutes);
  return app;
}
