import { createHash, randomBytes } from 'node:crypto';
import { RedisKeys } from './keys';

/** The services that talk to Redis, each as a Redis ACL user of the same name. */
export const REDIS_SERVICE_USERS = [
  'api-gateway',
  'room-service',
  'turn-credential-service',
  'signaling-service',
] as const;
export type RedisServiceUser = (typeof REDIS_SERVICE_USERS)[number];

/** What one service may do in Redis: key patterns, Pub/Sub channel patterns, commands. */
export interface RedisGrant {
  /** Patterns of keys it reads and writes. */
  keys: readonly string[];
  /** Patterns of keys it only reads. */
  readKeys?: readonly string[];
  channels: readonly string[];
  /** Commands, also those its Lua scripts call (Redis checks each call inside a script too). */
  commands: readonly string[];
}

const any = '*';

/**
 * Connecting, selecting a test database, health checks and running scripts by SHA: what every
 * ioredis client sends besides its own commands. `INFO` is ioredis's ready check. (ioredis's
 * `CLIENT SETINFO` is left out: Redis 7.0 does not know it, and ioredis ignores its refusal.)
 */
const CLIENT_COMMANDS = [
  'ping',
  'info',
  'select',
  'quit',
  'client|setname',
  'eval',
  'evalsha',
] as const;

/** A fixed-window counter script (`addToWindow`, @fastify/rate-limit's `rateLimit`). */
const COUNTER_COMMANDS = ['get', 'incr', 'incrby', 'pexpire', 'pttl'] as const;

/**
 * Each service's rights, from the keys it builds with {@link RedisKeys}. A compromised service
 * can at worst spoil its own data: it cannot read another's keys, flush the database, change
 * the configuration or run arbitrary commands.
 */
export const REDIS_GRANTS: Record<RedisServiceUser, RedisGrant> = {
  'api-gateway': {
    keys: [`${RedisKeys.rateLimitPrefix('gateway')}${any}`],
    channels: [],
    // DECR: a successful login gives its reserved attempt back (window-reservation.ts).
    commands: [...COUNTER_COMMANDS, 'decr'],
  },
  'turn-credential-service': {
    keys: [RedisKeys.iceIssuance(any)],
    channels: [],
    commands: COUNTER_COMMANDS,
  },
  'room-service': {
    keys: [RedisKeys.room(any)],
    channels: [RedisKeys.roomEvents(any)],
    commands: ['get', 'set', 'publish'],
  },
  'signaling-service': {
    keys: [
      RedisKeys.presence(any, any),
      RedisKeys.resumeToken(any, any),
      RedisKeys.roomMembers(any),
      // Host controls and hands (DESIGN §4.12), kept by the membership scripts.
      RedisKeys.roomLock(any),
      RedisKeys.roomRemoved(any),
      RedisKeys.roomHands(any),
      RedisKeys.nodeAlive(any),
      RedisKeys.nodeRooms(any),
      RedisKeys.signalingNodes(),
      RedisKeys.userSockets(any),
      RedisKeys.userJoins(any),
    ],
    // The meeting cache is room-service's: signaling reads it and never writes meeting data.
    readKeys: [RedisKeys.room(any)],
    channels: [RedisKeys.roomEvents(any)],
    commands: [
      'get',
      'set',
      'del',
      'exists',
      'hget',
      'hset',
      'hdel',
      'hexists',
      'hgetall',
      'hkeys',
      'hvals',
      'incr',
      'expire',
      'pexpire',
      'sadd',
      'srem',
      'smembers',
      'sismember',
      // The membership scripts read the server clock, so every node agrees on it.
      'time',
      'multi',
      'exec',
      'publish',
      'subscribe',
      'unsubscribe',
    ],
  },
};

/** Passwords of the admin (`default`) user and of every service user. */
export interface RedisCredentials {
  admin: string;
  services: Record<RedisServiceUser, string>;
}

const newPassword = () => randomBytes(24).toString('hex');

/** Fresh random credentials (a test run, a local stack, a deployment's secrets). */
export function generateRedisCredentials(): RedisCredentials {
  return {
    admin: newPassword(),
    services: Object.fromEntries(REDIS_SERVICE_USERS.map((u) => [u, newPassword()])) as Record<
      RedisServiceUser,
      string
    >,
  };
}

/** A password as an ACL file stores it: SHA-256, so the file never holds the password itself. */
const hashed = (password: string) => `#${createHash('sha256').update(password).digest('hex')}`;

/** The ACL rule of one service user, as a line of an ACL file. */
export function redisAclRule(user: RedisServiceUser, password: string): string {
  const grant = REDIS_GRANTS[user];
  return [
    'user',
    user,
    'reset',
    'on',
    hashed(password),
    ...grant.keys.map((pattern) => `~${pattern}`),
    ...(grant.readKeys ?? []).map((pattern) => `%R~${pattern}`),
    ...grant.channels.map((pattern) => `&${pattern}`),
    '-@all',
    ...[...CLIENT_COMMANDS, ...grant.commands].map((command) => `+${command}`),
  ].join(' ');
}

/**
 * A complete ACL file: the `default` user becomes the password-protected admin (harness, operator)
 * and every service gets its own user. Nobody connects without a password.
 */
export function redisAclFile(credentials: RedisCredentials): string {
  const lines = [
    `user default on ${hashed(credentials.admin)} ~* &* +@all`,
    ...REDIS_SERVICE_USERS.map((user) => redisAclRule(user, credentials.services[user])),
  ];
  return `${lines.join('\n')}\n`;
}

/** `redis://user:password@host:port/db`: the URL a service (or the admin) connects with. */
export function redisUrlAs(
  base: { host: string; port: number; db?: number },
  user: RedisServiceUser | 'default',
  password: string,
): string {
  return `redis://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${base.host}:${base.port}/${base.db ?? 0}`;
}
