import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import fp from 'fastify-plugin';
import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { Errors, REQUEST_ID_HEADER } from '@qual-meet/server-kit';
import type { GatewayConfig } from './config';

/**
 * Headers a client might use to claim an identity. Services trust only the verified bearer token,
 * but these never leave the gateway, so no service can be tricked by one later.
 */
const IDENTITY_HEADER = /^(x-(user|auth|remote|forwarded-user|authenticated)[\w-]*|remote-user)$/i;

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) and the framing the gateway recomputes for the body it
 * forwards: never copied from one connection to the other, in either direction.
 */
const CONNECTION_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

const METHODS: HTTPMethods[] = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'];

/** Responses of our services are small JSON documents; anything bigger is a fault. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** The headers sent upstream: the client's, minus any identity claim, plus our request id. */
export function forwardedHeaders(
  requestId: string,
  headers: IncomingHttpHeaders,
): Record<string, string | string[]> {
  const sent: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || CONNECTION_HEADERS.has(name) || IDENTITY_HEADER.test(name)) continue;
    sent[name] = value;
  }
  sent[REQUEST_ID_HEADER] = requestId;
  return sent;
}

/** The headers returned to the client: the service's, minus the connection's own. */
export function returnedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !CONNECTION_HEADERS.has(name)) kept[name] = value;
  }
  return kept;
}

/** An upstream failure as the gateway's own error: too slow → 504, anything else → 503. */
export function upstreamError(error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
    ? new Errors.UpstreamTimeout()
    : new Errors.UpstreamUnavailable();
}

/**
 * The body to forward. Bodies (JSON, at most 16 KiB) are parsed by the gateway rather than
 * streamed: the login limiter needs the email, a malformed or oversized body is refused before
 * any service sees it, and a dead upstream cannot tear down a half-sent request.
 */
function payloadOf(request: FastifyRequest): string | undefined {
  const { body } = request;
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** A route handler that forwards to one service over a pool of keep-alive connections. */
function forwarderTo(
  origin: string,
  config: GatewayConfig['upstreams'],
): { forward: (request: FastifyRequest, reply: FastifyReply) => Promise<Buffer>; pool: Pool } {
  const pool = new Pool(origin, {
    connect: { timeout: config.connectTimeoutMs },
    headersTimeout: config.timeoutMs,
    bodyTimeout: config.timeoutMs,
    maxResponseSize: MAX_RESPONSE_BYTES,
  });
  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const response = await pool.request({
        method: request.method as Dispatcher.HttpMethod,
        path: request.url,
        headers: forwardedHeaders(String(request.id), request.headers),
        body: payloadOf(request),
      });
      const body = Buffer.from(await response.body.arrayBuffer());
      reply.code(response.statusCode).headers(returnedHeaders(response.headers));
      return body;
    } catch (error) {
      request.log.warn({ err: error, upstream: origin }, 'upstream request failed');
      throw upstreamError(error);
    }
  };
  return { forward, pool };
}

/**
 * Routes of DESIGN §3 to their services, paths unchanged. A small forwarder on undici rather than
 * `@fastify/http-proxy`: the responses are small JSON bodies, so buffering them costs less than
 * piping streams through `@fastify/reply-from` (about a quarter of the gateway's CPU per request;
 * docs/DECISIONS.md).
 */
export const upstreams = fp<{ config: GatewayConfig['upstreams'] }>(
  async (app: FastifyInstance, { config }) => {
    const routes = [
      { prefix: '/api/auth', upstream: config.auth },
      { prefix: '/api/rooms', upstream: config.rooms },
      { prefix: '/api/ice-servers', upstream: config.turn },
      { prefix: '/api/ice', upstream: config.turn },
    ];
    const pools = new Map<string, ReturnType<typeof forwarderTo>>();
    for (const { prefix, upstream } of routes) {
      const origin = new URL(upstream).origin;
      if (!pools.has(origin)) pools.set(origin, forwarderTo(origin, config));
      const { forward } = pools.get(origin)!;
      app.route({ method: METHODS, url: prefix, handler: forward });
      app.route({ method: METHODS, url: `${prefix}/*`, handler: forward });
    }
    app.addHook('onClose', async () => {
      await Promise.all([...pools.values()].map(({ pool }) => pool.close()));
    });
  },
  { name: 'upstreams' },
);
