import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Limits } from '@qual-meet/protocol';
import { closeRedis, redisPlugin } from '@qual-meet/redis';
import { createServiceApp, verifierFor } from '@qual-meet/server-kit';
import type { SignalingConfig } from './config';
import { ALL_ERROR_CODES } from './frames';
import { RedisMeetingStore } from './membership/redis-meeting-store';
import { RedisMembershipStore } from './membership/redis-membership-store';
import { createSignalingMetrics, primeErrorCodes } from './metrics';
import type { SignalingRedis } from './redis-clients';
import { RedisRoomBus } from './redis-room-bus';
import { RedisUserQuotas } from './quotas/redis-user-quotas';
import { createRoomDirectory, rememberingNotFound, type RoomDirectory } from './room-directory';
import type { Session } from './session';
import { SignalingNode } from './signaling-node';

const SESSION = Symbol('session');

/** The only path that upgrades to WebSocket. */
const SIGNALING_PATH = '/ws';

export interface SignalingDeps extends SignalingRedis {
  /** Where rooms are looked up; by default the Redis cache, then room-service. */
  rooms?: RoomDirectory;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The signaling node behind this app's `/ws`. */
    signaling: SignalingNode;
  }
}

function refuseUpgrade(socket: Duplex, status: string): void {
  socket.on('error', () => undefined);
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function textOf(data: RawData, isBinary: boolean): string | undefined {
  if (isBinary) return undefined;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * Builds a signaling node: one Fastify app for `/healthz`, `/readyz` and `/metrics`, and a `ws`
 * server on the same HTTP server for upgrades on `/ws`. Two calls make two nodes (the
 * integration tests run two against one Redis). The node registers and starts its timers when
 * the app is ready (`listen` or `ready`); the app quits both Redis connections when it closes.
 */
export async function buildApp(config: SignalingConfig, deps: SignalingDeps) {
  const { redis, subscriber } = deps;
  const app = await createServiceApp({
    name: 'signaling-service',
    logLevel: config.logLevel,
    readiness: {
      redis: () => redis.ping(),
      // Joins are refused until the node has registered (see SignalingNode.start).
      registered: async () => {
        if (!node.registered) throw new Error('not registered yet');
      },
    },
  });
  // Logged, not thrown: ioredis keeps reconnecting, and readiness reports the outage.
  redis.on('error', (error: Error) => app.log.debug({ err: error }, 'redis'));
  subscriber.on('error', (error: Error) => app.log.debug({ err: error }, 'redis subscriber'));
  // Waits a moment for the first connection, and quits it when the app closes.
  await app.register(redisPlugin, { redis });
  const metrics = createSignalingMetrics(config.nodeId);
  primeErrorCodes(metrics, ALL_ERROR_CODES);

  const node = new SignalingNode({
    nodeId: config.nodeId,
    verifyAccessToken: verifierFor(config.jwt),
    rooms: rememberingNotFound(
      deps.rooms ??
        createRoomDirectory({
          redis,
          roomServiceUrl: config.roomService.url,
          timeoutMs: config.roomService.timeoutMs,
          onLookup: (source) => metrics.roomLookups.inc({ source }),
        }),
      config.roomNotFoundCacheMs,
      () => metrics.roomLookups.inc({ source: 'not_found_cache' }),
    ),
    bus: new RedisRoomBus(redis, subscriber),
    membership: new RedisMembershipStore(redis, config.presenceTtlSeconds),
    quotas: new RedisUserQuotas(redis),
    meetings: new RedisMeetingStore(redis),
    metrics,
    log: app.log.child({ nodeId: config.nodeId }),
    authTimeoutMs: config.authTimeoutMs,
    tokenExpiryGraceMs: config.tokenExpiryGraceMs,
    rateLimit: config.rateLimit,
    maxSocketsPerUser: config.maxSocketsPerUser,
    joinsPerMinute: config.joinsPerMinute,
    relayTargetBufferLimitBytes: config.relayTargetBufferLimitBytes,
    publishPendingLimitBytes: config.publishPendingLimitBytes,
    meetingRateLimit: config.meetingRateLimit,
    presenceTtlSeconds: config.presenceTtlSeconds,
    nodeTimeoutMs: config.nodeTimeoutMs,
    pingIntervalMs: config.pingIntervalMs,
    sendBufferLimitBytes: config.sendBufferLimitBytes,
    shutdownGraceMs: config.shutdownGraceMs,
  });
  app.decorate('signaling', node);

  // From here every `ready` is a reconnect (or, if Redis was down at start, the first connection):
  // the node registers, or re-asserts its seats, at once.
  redis.on('ready', () => node.onStoreReconnected());

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: Limits.signalingFrameBytes,
    clientTracking: false,
    perMessageDeflate: false,
  });
  // One set of listeners for every socket (`this` is the socket), its session kept on it: no
  // closures per connection, which idle sockets would otherwise pay for in memory.
  const sessionOf = (ws: WebSocket) => (ws as WebSocket & { [SESSION]: Session })[SESSION];
  function onMessage(this: WebSocket, data: RawData, isBinary: boolean) {
    node.receive(sessionOf(this), textOf(data, isBinary));
  }
  function onPong(this: WebSocket) {
    node.pong(sessionOf(this));
  }
  function onClose(this: WebSocket) {
    node.closed(sessionOf(this));
  }
  // ws closes the socket itself on protocol errors (1009 too big, 1007 bad UTF-8).
  function onError(error: Error) {
    app.log.debug({ err: error }, 'websocket error');
  }
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Only the path is read: a token in the query string is never looked at.
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path !== SIGNALING_PATH) return refuseUpgrade(socket, '404 Not Found');
    const origin = request.headers.origin;
    if (origin !== undefined && !config.allowedOrigins.has(origin.toLowerCase())) {
      return refuseUpgrade(socket, '403 Forbidden');
    }
    if (!node.accepting) return refuseUpgrade(socket, '503 Service Unavailable');
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      (ws as WebSocket & { [SESSION]: Session })[SESSION] = node.accept(ws, socket);
      ws.on('message', onMessage);
      ws.on('pong', onPong);
      ws.on('close', onClose);
      ws.on('error', onError);
    });
  });

  app.addHook('preClose', async () => {
    await node.shutdown();
  });
  app.addHook('onClose', async () => {
    wss.close();
    await closeRedis(subscriber);
  });

  app.addHook('onReady', () => node.start());
  return app;
}

export type SignalingApp = Awaited<ReturnType<typeof buildApp>>;
