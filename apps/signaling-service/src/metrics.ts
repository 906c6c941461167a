import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SignalingErrorCode } from '@qual-meet/protocol';

/** Why a relayed frame did not reach its target. */
export type RelayDropReason = 'bus_unavailable' | 'target_gone' | 'slow_consumer';

/**
 * The counters a node exposes on `/metrics`. Each node has its own registry, so that two nodes
 * in one process (the integration tests) do not share counts.
 */
export interface SignalingMetrics {
  registry: Registry;
  connections: Gauge;
  connectionsOpened: Counter;
  rooms: Gauge;
  framesIn: Counter<'type'>;
  framesOut: Counter<'type'>;
  errors: Counter<'code'>;
  relayLatency: Histogram<'path'>;
  relayDropped: Counter<'reason'>;
  busMessages: Counter<'direction'>;
  redisReconnects: Counter;
  /** The series every relayed frame touches, resolved once per label value (see {@link byLabel}). */
  perFrame: {
    framesIn: (type: string) => { inc(): void };
    framesOut: (type: string) => { inc(): void };
    relayLatency: (path: 'local' | 'bus') => { observe(seconds: number): void };
    busIn: { inc(): void };
    busOut: { inc(): void };
  };
}

/**
 * `labels(value)` remembered per value. prom-client hashes the label set (default labels
 * included) on every `inc({…})`, which showed up in the relay's profile; a child looked up once
 * is a plain increment. Callers keep the values bounded.
 */
function byLabel<T>(labels: (value: string) => T): (value: string) => T {
  const children = new Map<string, T>();
  return (value) => {
    let child = children.get(value);
    if (!child) {
      child = labels(value);
      children.set(value, child);
    }
    return child;
  };
}

/** Frame types counted by name; anything else is counted as `invalid`, keeping labels bounded. */
export const COUNTED_FRAME_TYPES: ReadonlySet<string> = new Set([
  'auth',
  'join_room',
  'leave_room',
  'offer',
  'answer',
  'ice_candidate',
  'heartbeat',
]);

export function createSignalingMetrics(nodeId: string): SignalingMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  collectDefaultMetrics({ register: registry, prefix: 'signaling_' });
  const registers = [registry];
  const metrics: Omit<SignalingMetrics, 'perFrame'> = {
    registry,
    connections: new Gauge({
      name: 'signaling_connections',
      help: 'Open WebSocket connections',
      registers,
    }),
    connectionsOpened: new Counter({
      name: 'signaling_connections_opened_total',
      help: 'WebSocket connections accepted',
      registers,
    }),
    rooms: new Gauge({
      name: 'signaling_rooms',
      help: 'Rooms in which this node holds at least one member',
      registers,
    }),
    framesIn: new Counter({
      name: 'signaling_frames_in_total',
      help: 'Frames received from clients, by type',
      labelNames: ['type'],
      registers,
    }),
    framesOut: new Counter({
      name: 'signaling_frames_out_total',
      help: 'Frames sent to clients, by type',
      labelNames: ['type'],
      registers,
    }),
    errors: new Counter({
      name: 'signaling_errors_total',
      help: 'Error frames sent to clients, by code',
      labelNames: ['code'],
      registers,
    }),
    relayLatency: new Histogram({
      name: 'signaling_relay_latency_seconds',
      help: 'From a targeted frame entering a node to its delivery to the peer socket',
      labelNames: ['path'],
      buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    relayDropped: new Counter({
      name: 'signaling_relay_dropped_total',
      help: 'Targeted frames that could not be delivered, by reason',
      labelNames: ['reason'],
      registers,
    }),
    busMessages: new Counter({
      name: 'signaling_bus_messages_total',
      help: 'Messages on the room channels, by direction (published by this node, received)',
      labelNames: ['direction'],
      registers,
    }),
    redisReconnects: new Counter({
      name: 'signaling_redis_reconnects_total',
      help: 'Times the Redis connection came back after a loss',
      registers,
    }),
  };
  return {
    ...metrics,
    perFrame: {
      framesIn: byLabel((type) => metrics.framesIn.labels(type)),
      framesOut: byLabel((type) => metrics.framesOut.labels(type)),
      relayLatency: byLabel((path) => metrics.relayLatency.labels(path)),
      busIn: metrics.busMessages.labels('in'),
      busOut: metrics.busMessages.labels('out'),
    },
  };
}

/** Initialises every error code at zero, so dashboards see the series before the first error. */
export function primeErrorCodes(metrics: SignalingMetrics, codes: SignalingErrorCode[]): void {
  for (const code of codes) metrics.errors.inc({ code }, 0);
}
