import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { Limits } from '@qual-meet/protocol';
import {
  intVar,
  listVar,
  listenerVars,
  tokenVerifierConfig,
  tokenVerifierVars,
  urlVar,
} from '@qual-meet/server-kit';

/**
 * A node id ends up inside presence values (`<nodeId>:<socketId>`) and Lua prefix matches, so it
 * may not contain `:` and stays short.
 */
const nodeIdVar = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only (max 64)')
  .default(() => `sig-${randomBytes(5).toString('hex')}`);

/** signaling-service configuration, from the environment only. */
export const signalingConfigSchema = z
  .object({
    ...listenerVars(3101),
    NODE_ID: nodeIdVar,
    REDIS_URL: urlVar,
    ...tokenVerifierVars,
    /**
     * Browser origins (`https://meet.example.com`) allowed to open a signaling socket. An upgrade
     * whose `Origin` is anything else is refused with 403 (cross-site WebSocket hijacking); one
     * with no `Origin` (not a browser) is allowed, since the first frame's token authenticates.
     */
    ALLOWED_ORIGINS: listVar.default([]),
    /** Base URL of room-service, asked when `room:{id}` is not cached in Redis. */
    ROOM_SERVICE_URL: urlVar,
    ROOM_LOOKUP_TIMEOUT_MS: intVar(2_000),
    /** The first frame must be `auth` within this time. */
    AUTH_TIMEOUT_MS: intVar(Limits.authTimeoutMs),
    /** Sustained frames per second per socket (token bucket refill rate). */
    RATE_LIMIT_PER_SECOND: intVar(100),
    /** Frames a socket may send in one burst (bucket size): a full 6-way mesh setup fits. */
    RATE_LIMIT_BURST: intVar(300),
    /**
     * Sustained bytes per second per socket, and the burst: a newcomer's answers and candidates
     * to five peers with screen share (about 60 KB, docs/SECURITY.md) fit several times over.
     */
    RATE_LIMIT_BYTES_PER_SECOND: intVar(64 * 1024),
    RATE_LIMIT_BYTES_BURST: intVar(256 * 1024),
    /** Offers one sender may send one peer: a burst, then this many a minute. */
    OFFERS_PER_TARGET_BURST: intVar(10),
    OFFERS_PER_TARGET_PER_MINUTE: intVar(10),
    /** Frames refused in one flood (any limit) before the socket is closed with 4429. */
    RATE_LIMIT_MAX_DROPS: intVar(200),
    /** Concurrent sockets of one user across all nodes; the next is refused with 4429. */
    MAX_SOCKETS_PER_USER: intVar(8),
    /** `join_room` frames one user may send per minute, across all nodes. */
    JOINS_PER_MINUTE: intVar(20),
    /** How long a node remembers that a room id is unknown, so floods never reach Postgres. */
    ROOM_NOT_FOUND_CACHE_MS: intVar(10_000),
    /**
     * A target whose unsent output is past this gets no more relays (its senders are refused
     * with `rate_limited`), so a flood aimed at a member never reaches SEND_BUFFER_LIMIT_BYTES.
     */
    RELAY_TARGET_BUFFER_LIMIT_BYTES: intVar(1024 * 1024),
    /** Relays published to Redis and not yet answered; past this, relays are refused. */
    PUBLISH_PENDING_LIMIT_BYTES: intVar(4 * 1024 * 1024),
    /**
     * Chat, hand and host-control frames per second per socket, and their burst: people type and
     * click far slower, and each such frame goes to every member of the room.
     */
    MEETING_RATE_PER_SECOND: intVar(2),
    MEETING_RATE_BURST: intVar(10),
    /**
     * A socket is closed this long after its token's `exp` unless a fresh `auth` came (DESIGN
     * §4.10: at most 5 s, the verifiers' clock tolerance).
     */
    TOKEN_EXPIRY_GRACE_MS: z.coerce.number().int().min(0).max(5_000).default(5_000),
    /** Protocol-level ping period; a socket that missed the previous pong is terminated. */
    PING_INTERVAL_MS: intVar(15_000),
    /** Presence TTL of a member, refreshed by `heartbeat`. */
    PRESENCE_TTL_SECONDS: intVar(Limits.presenceTtlSeconds),
    /**
     * A node whose liveness key is older than this is dead and its members are swept. The key is
     * refreshed and other nodes are checked every third of it, so members of a dead node are
     * announced as left within 4/3 of this (20 s by default, under the 30 s of DESIGN §4).
     */
    NODE_TIMEOUT_MS: intVar(15_000),
    /** A peer whose unsent output grows past this is too slow to keep up and is disconnected. */
    SEND_BUFFER_LIMIT_BYTES: intVar(4 * 1024 * 1024),
    /** How long shutdown waits for clients to close after 1001 before cutting them. */
    SHUTDOWN_GRACE_MS: intVar(2_000),
  })
  .transform((env) => ({
    host: env.HOST,
    port: env.PORT,
    nodeId: env.NODE_ID,
    logLevel: env.LOG_LEVEL,
    redisUrl: env.REDIS_URL,
    jwt: tokenVerifierConfig(env),
    allowedOrigins: new Set(env.ALLOWED_ORIGINS.map((origin) => origin.toLowerCase())),
    roomService: { url: env.ROOM_SERVICE_URL, timeoutMs: env.ROOM_LOOKUP_TIMEOUT_MS },
    authTimeoutMs: env.AUTH_TIMEOUT_MS,
    tokenExpiryGraceMs: env.TOKEN_EXPIRY_GRACE_MS,
    rateLimit: {
      perSecond: env.RATE_LIMIT_PER_SECOND,
      burst: env.RATE_LIMIT_BURST,
      bytesPerSecond: env.RATE_LIMIT_BYTES_PER_SECOND,
      bytesBurst: env.RATE_LIMIT_BYTES_BURST,
      offersPerTargetPerMinute: env.OFFERS_PER_TARGET_PER_MINUTE,
      offersPerTargetBurst: env.OFFERS_PER_TARGET_BURST,
      maxDrops: env.RATE_LIMIT_MAX_DROPS,
    },
    maxSocketsPerUser: env.MAX_SOCKETS_PER_USER,
    joinsPerMinute: env.JOINS_PER_MINUTE,
    roomNotFoundCacheMs: env.ROOM_NOT_FOUND_CACHE_MS,
    relayTargetBufferLimitBytes: env.RELAY_TARGET_BUFFER_LIMIT_BYTES,
    publishPendingLimitBytes: env.PUBLISH_PENDING_LIMIT_BYTES,
    meetingRateLimit: {
      perSecond: env.MEETING_RATE_PER_SECOND,
      burst: env.MEETING_RATE_BURST,
      maxDrops: env.RATE_LIMIT_MAX_DROPS,
    },
    pingIntervalMs: env.PING_INTERVAL_MS,
    presenceTtlSeconds: env.PRESENCE_TTL_SECONDS,
    nodeTimeoutMs: env.NODE_TIMEOUT_MS,
    sendBufferLimitBytes: env.SEND_BUFFER_LIMIT_BYTES,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
  }));

export type SignalingConfig = z.output<typeof signalingConfigSchema>;
