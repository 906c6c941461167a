import { createRedis, type Redis } from '@qual-meet/redis';
import type { SignalingConfig } from './config';

/** A node's two Redis connections: commands (and publishing), and its subscriptions. */
export interface SignalingRedis {
  redis: Redis;
  /** A subscribed connection cannot run commands: the bus receives on one of its own. */
  subscriber: Redis;
}

/**
 * Connections to Redis that fail fast while it is away (a join is answered "try again later"
 * at once instead of hanging) and reconnect by themselves, from the start: a node starts while
 * Redis is down, not ready until it is back.
 */
function connectRedis(url: string, name: string): Redis {
  return createRedis(url, {
    enableOfflineQueue: false,
    connectionName: name,
    // No auto-pipelining: RedisRoomBus batches the relays itself, one write per event-loop turn,
    // which costs less per message; other commands are rare.
    enableAutoPipelining: false,
  });
}

/** The connections `buildApp` takes, as `main.ts` (and tests starting a node) open them. */
export function createSignalingRedis(
  config: Pick<SignalingConfig, 'redisUrl' | 'nodeId'>,
): SignalingRedis {
  return {
    redis: connectRedis(config.redisUrl, `signaling:${config.nodeId}`),
    subscriber: connectRedis(config.redisUrl, `signaling-sub:${config.nodeId}`),
  };
}
