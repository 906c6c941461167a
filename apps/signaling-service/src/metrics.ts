import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SignalingErrorCode } from '@qual-meet/protocol';

/** Why a relayed frame did not reach its target. */
export type RelayDropReason = 'bus_unavailable' | 'bus_backlog' | 'target_gone' | 'slow_consumer';

/**
 * The counters a node exposes on `/metrics`. Each node has its own registry, so that two nodes
 * in one process (the integration tests) do not share counts.
 */
export interface SignalingMetrics {
  registry: Registry;
  connections: Gauge;
  connectionsOpened: Counter;
  rooms: Gauge;
  /** Frames received from clients, by type. */
  framesIn: Tally;
  /** Frames sent to clients, by type. */
  framesOut: Tally;
  errors: Counter<'code'>;
  relayLatency: Histogram<'path'>;
  relayDropped: Counter<'reason'>;
  /** Room lookups by where the answer came from: `cache`, `room_service`, `not_found_cache`. */
  roomLookups: Counter<'source'>;
  /** Messages on the room channels: `in` (received) and `out` (published). */
  busMessages: Tally;
  redisReconnects: Counter;
}

/**
 * A labelled count kept in plain numbers and handed to its prom-client counter when `/metrics` is
 * scraped. prom-client hashes and validates the label set on every `inc` (children from
 * `labels()` too), which was a visible share of the relay's CPU per frame; counting every frame
 * and reporting at scrape time costs a map update instead.
 */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(label: string): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }

  /** What was added since the last call, by label (and forgotten here). */
  drain(): [label: string, count: number][] {
    const drained = [...this.counts];
    this.counts.clear();
    return drained;
  }
}

/** A prom-client counter of one label, fed from a {@link Tally} at each scrape. */
function talliedCounter(
  tally: Tally,
  options: { name: string; help: string; label: string; registers: Registry[] },
): Counter<string> {
  return new Counter({
    name: options.name,
    help: options.help,
    labelNames: [options.label],
    registers: options.registers,
    collect() {
      for (const [value, count] of tally.drain()) this.inc({ [options.label]: value }, count);
    },
  });
}

/**
 * One relayed frame in this many (per path, the first included) is timed for the latency
 * histogram: a sample shows the distribution as well, at an eighth of prom-client's cost per frame.
 */
export const RELAY_LATENCY_SAMPLING = 8;

export function createSignalingMetrics(nodeId: string): SignalingMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  collectDefaultMetrics({ register: registry, prefix: 'signaling_' });
  const registers = [registry];
  const tallies = { framesIn: new Tally(), framesOut: new Tally(), busMessages: new Tally() };
  talliedCounter(tallies.framesIn, {
    name: 'signaling_frames_in_total',
    help: 'Frames received from clients, by type',
    label: 'type',
    registers,
  });
  talliedCounter(tallies.framesOut, {
    name: 'signaling_frames_out_total',
    help: 'Frames sent to clients, by type',
    label: 'type',
    registers,
  });
  talliedCounter(tallies.busMessages, {
    name: 'signaling_bus_messages_total',
    help: 'Messages on the room channels, by direction (published by this node, received)',
    label: 'direction',
    registers,
  });
  return {
    registry,
    ...tallies,
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
    errors: new Counter({
      name: 'signaling_errors_total',
      help: 'Error frames sent to clients, by code',
      labelNames: ['code'],
      registers,
    }),
    relayLatency: new Histogram({
      name: 'signaling_relay_latency_seconds',
      help: `From a targeted frame entering a node to its delivery to the peer socket (one frame in ${RELAY_LATENCY_SAMPLING} per path is timed)`,
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
    roomLookups: new Counter({
      name: 'signaling_room_lookups_total',
      help: 'Room lookups of join_room, by where the answer came from',
      labelNames: ['source'],
      registers,
    }),
    redisReconnects: new Counter({
      name: 'signaling_redis_reconnects_total',
      help: 'Times the Redis connection came back after a loss',
      registers,
    }),
  };
}

/** Initialises every error code at zero, so dashboards see the series before the first error. */
export function primeErrorCodes(metrics: SignalingMetrics, codes: SignalingErrorCode[]): void {
  for (const code of codes) metrics.errors.inc({ code }, 0);
}
