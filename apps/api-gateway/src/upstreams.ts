import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import fp from 'fastify-plugin';
import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { Errors, REQUEST_ID_HEADER } from '@qual-meet/server-kit';
import type { GatewayRoute } from './gateway-access';
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

/**
 * No OPTIONS: a preflight is answered by `@fastify/cors` when CORS is on, and is a 404 otherwise;
 * nothing unauthenticated reaches a service that way.
 */
const METHODS: HTTPMethods[] = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'];

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
  return request.body === undefined ? undefined : JSON.stringify(request.body);
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
    const services = { auth: config.auth, rooms: config.rooms, turn: config.turn };
    // Each prefix serves `prefix` and `prefix/*`; the named routes (public or with a limit of
    // their own) take precedence over the prefix's wildcard.
    const prefixes: [string, keyof typeof services][] = [
      ['/api/auth', 'auth'],
      ['/api/rooms', 'rooms'],
      ['/api/ice-servers', 'turn'],
      ['/api/ice', 'turn'],
    ];
    const named: { method: HTTPMethods[]; url: string; gateway: GatewayRoute }[] = [
      { method: ['POST'], url: '/api/auth/signup', gateway: { public: true, limit: 'signup' } },
      { method: ['POST'], url: '/api/auth/login', gateway: { public: true, limit: 'login' } },
      { method: ['POST'], url: '/api/auth/refresh', gateway: { public: true } },
      { method: ['POST'], url: '/api/auth/logout', gateway: { public: true } },
      {
        method: ['GET', 'HEAD'],
        url: '/api/auth/.well-known/jwks.json',
        gateway: { public: true },
      },
    ];
    const pools = new Map<string, ReturnType<typeof forwarderTo>>();
    const forwardTo = (service: keyof typeof services) => {
      const origin = new URL(services[service]).origin;
      if (!pools.has(origin)) pools.set(origin, forwarderTo(origin, config));
      return pools.get(origin)!.forward;
    };
    for (const { method, url, gateway } of named) {
      app.route({ method, url, config: { gateway }, handler: forwardTo('auth') });
    }
    for (const [prefix, service] of prefixes) {
      for (const url of [prefix, `${prefix}/*`]) {
        app.route({ method: METHODS, url, config: { gateway: {} }, handler: forwardTo(service) });
      }
    }
    app.addHook('onClose', async () => {
      await Promise.all([...pools.values()].map(({ pool }) => pool.close()));
    });
  },
  { name: 'upstreams' },
);
