import httpProxy, { type FastifyHttpProxyOptions } from '@fastify/http-proxy';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { IncomingHttpHeaders } from 'node:http';
import { Pool } from 'undici';
import { endpointList, type Endpoint, type Upstream } from '@qual-meet/protocol';
import { Errors, REQUEST_ID_HEADER } from '@qual-meet/server-kit';
import type { GatewayConfig } from './config';

/**
 * Headers a client might use to claim an identity. Services trust only the verified bearer token,
 * but these never leave the gateway, so no service can be tricked by one later.
 */
const IDENTITY_HEADER = /^(x-(user|auth|remote|forwarded-user|authenticated)[\w-]*|remote-user)$/i;

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1): never copied from one connection to the other, in either
 * direction. (`@fastify/reply-from` also drops whatever the client's `Connection` names.)
 */
const HOP_BY_HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Responses of our services are small JSON documents; anything bigger is a fault. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * The headers sent upstream: the client's minus any identity claim and hop-by-hop header, plus
 * our request id. `host` and, for a body, `content-length` are the proxy's own (it re-encodes
 * the parsed body); without a body a client's `content-length` would leave the service waiting.
 */
export function forwardedHeaders(
  requestId: string,
  headers: IncomingHttpHeaders,
  withBody: boolean,
): IncomingHttpHeaders {
  const sent: IncomingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP_HEADERS.has(name) || IDENTITY_HEADER.test(name)) continue;
    if (name === 'content-length' && !withBody) continue;
    sent[name] = value;
  }
  sent[REQUEST_ID_HEADER] = requestId;
  return sent;
}

/** The headers returned to the client: the service's, minus the connection's own. */
export function returnedHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const kept: IncomingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined && !HOP_BY_HOP_HEADERS.has(name)) kept[name] = value;
  }
  return kept;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'FST_REPLY_FROM_GATEWAY_TIMEOUT',
]);

/** An upstream failure as the gateway's own error: too slow → 504, anything else → 503. */
export function upstreamError(error: unknown): Error {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  return TIMEOUT_CODES.has(String(code)) || TIMEOUT_CODES.has(String(cause?.code))
    ? new Errors.UpstreamTimeout()
    : new Errors.UpstreamUnavailable();
}

/** A keep-alive pool per service, shared by all of its routes. */
function poolFor(origin: string, config: GatewayConfig['upstreams']): Pool {
  return new Pool(origin, {
    connections: config.connections,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connect: { timeout: config.connectTimeoutMs },
    headersTimeout: config.timeoutMs,
    bodyTimeout: config.timeoutMs,
    maxResponseSize: MAX_RESPONSE_BYTES,
  });
}

/**
 * The routes of the endpoint table (libs/protocol), each forwarded to its service with
 * `@fastify/http-proxy`, path unchanged. One registration per service and method, so the router
 * knows exactly the table's routes: anything else is the gateway's 404, never forwarded.
 * Bodies are parsed by the gateway (JSON ≤ 16 KiB: the login limit needs the email, a bad body is
 * refused before any service sees it) and re-encoded by the proxy; answers are streamed back.
 * No retries: a service's 503 is the client's to retry.
 */
export const upstreams = fp<{ config: GatewayConfig['upstreams'] }>(
  async (app: FastifyInstance, { config }) => {
    const origins: Record<Upstream, string> = {
      auth: new URL(config.auth).origin,
      rooms: new URL(config.rooms).origin,
      turn: new URL(config.turn).origin,
    };
    const pools = new Map<string, Pool>();
    const groups = new Map<string, Endpoint[]>();
    for (const endpoint of endpointList) {
      const key = `${endpoint.upstream} ${endpoint.method}`;
      groups.set(key, [...(groups.get(key) ?? []), endpoint]);
    }
    for (const group of groups.values()) {
      const { upstream, method } = group[0]!;
      const origin = origins[upstream];
      if (!pools.has(origin)) pools.set(origin, poolFor(origin, config));
      const options: FastifyHttpProxyOptions = {
        upstream: origin,
        routes: group.map((e) => e.path),
        httpMethods: [method],
        proxyPayloads: false,
        undici: pools.get(origin)!,
        disableRequestLogging: true,
        replyOptions: {
          retryDelay: () => null,
          rewriteRequestHeaders: (request, headers) =>
            forwardedHeaders(String(request.id), headers, request.body !== undefined),
          rewriteHeaders: (headers) => returnedHeaders(headers),
          onError: (reply, { error }) => {
            reply.log.warn({ err: error, upstream: origin }, 'upstream request failed');
            reply.send(upstreamError(error));
          },
        },
      };
      await app.register(httpProxy, options);
    }
    // Each proxy registration destroys its pool when the app closes.
  },
  { name: 'upstreams' },
);
