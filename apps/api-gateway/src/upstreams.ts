import proxy from '@fastify/http-proxy';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { IncomingHttpHeaders } from 'node:http';
import { Errors, REQUEST_ID_HEADER, type ErrorMapper } from '@qual-meet/server-kit';
import type { GatewayConfig } from './config';

/**
 * Headers a client might use to claim an identity. Services trust only the verified bearer token,
 * but these never leave the gateway, so no service can be tricked by one later.
 */
const IDENTITY_HEADER = /^(x-(user|auth|remote|forwarded-user|authenticated)[\w-]*|remote-user)$/i;

/** The headers sent upstream: the client's, minus any identity claim, plus our request id. */
export function forwardedHeaders(
  requestId: string,
  headers: IncomingHttpHeaders,
): IncomingHttpHeaders {
  const kept = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !IDENTITY_HEADER.test(name)),
  );
  return { ...kept, [REQUEST_ID_HEADER]: requestId };
}

/** Upstream failures as the gateway's own errors: down → 503, too slow → 504. */
export const mapUpstreamErrors: ErrorMapper = (error): FastifyError | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const upstreamFailure =
    code.startsWith('FST_REPLY_FROM_') ||
    code.startsWith('UND_ERR_') ||
    code === 'ECONNRESET' ||
    code === 'ECONNREFUSED';
  if (!upstreamFailure) return undefined;
  return (error as { statusCode?: number }).statusCode === 504
    ? new Errors.UpstreamTimeout()
    : new Errors.UpstreamUnavailable();
};

/**
 * Routes of DESIGN §3 to their services, paths unchanged. Bodies (JSON, at most 16 KiB) are parsed
 * here rather than streamed: the login limiter needs the email, a malformed or oversized body is
 * refused before any service sees it, and a dead upstream cannot tear down a half-sent request.
 */
export const upstreams = fp<{ config: GatewayConfig['upstreams'] }>(
  async (app: FastifyInstance, { config }) => {
    const routes = [
      { prefix: '/api/auth', upstream: config.auth },
      { prefix: '/api/rooms', upstream: config.rooms },
      { prefix: '/api/ice-servers', upstream: config.turn },
      { prefix: '/api/ice', upstream: config.turn },
    ];
    for (const route of routes) {
      await app.register(proxy, {
        prefix: route.prefix,
        rewritePrefix: route.prefix,
        upstream: route.upstream,
        proxyPayloads: false,
        undici: {
          connect: { timeout: config.connectTimeoutMs },
          headersTimeout: config.timeoutMs,
          bodyTimeout: config.timeoutMs,
        },
        replyOptions: {
          rewriteRequestHeaders: (request, headers) =>
            forwardedHeaders(String(request.id), headers),
        },
      });
    }
  },
  { name: 'upstreams' },
);
