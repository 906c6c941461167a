import { setTimeout as delay } from 'node:timers/promises';
import { SignalingClient, SocketIoClient, type SignalKind, type WireClient } from './clients';
import type { BenchServer, SystemName } from './servers';
import { percentile } from '../lib/stats';

/** A user of the bench: id and token. */
export interface BenchUser {
  userId: string;
  token: string;
}

/** Clients placed in rooms, spread over the nodes. */
export interface Population {
  clients: WireClient[];
  /** The clients of each room, in join order. */
  rooms: WireClient[][];
  peersOf: Map<WireClient, WireClient[]>;
  nodeOf: Map<WireClient, number>;
  tracker: Tracker;
  stopHeartbeats(): void;
}

const now = () => performance.now();

// Bodies carry a message id where the receiver finds it cheaply: after `o=- ` in an SDP, right
// after `candidate:` in a candidate.
const SDP_FILLER = 'a=candidate-free-filler-line-for-a-realistic-size\r\n'.repeat(80);
const sdpBody = (id: number) => `v=0\r\no=- ${id} 2 IN IP4 127.0.0.1\r\ns=-\r\n${SDP_FILLER}`;
const candidateBody = (id: number) =>
  `candidate:${id} 1 udp 2122260223 127.0.0.1 ${40000 + (id % 20000)} typ host generation 0 ufrag Ab3x network-id 1`;
const idOf = (kind: SignalKind, body: string) =>
  kind === 'ice_candidate'
    ? Number.parseInt(body.slice('candidate:'.length), 10)
    : Number.parseInt(body.slice(body.indexOf('o=- ') + 4), 10);

/** The SDP size of offers and answers (~4 KB), for the report. */
export const SDP_BYTES = sdpBody(1).length;

interface InFlight {
  sentAt: number;
  cross: boolean;
  /** Sent while recording: its latency counts. */
  recorded: boolean;
}

/**
 * Follows every targeted frame from send to delivery (all clients live in this process, so one
 * clock times both ends).
 */
export class Tracker {
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();
  delivered = 0;
  latencies: number[] = [];
  crossLatencies: number[] = [];
  recording = false;
  /** Called on each delivery with the receiver, to keep a closed loop going. */
  onDelivered: ((to: WireClient) => void) | undefined;
  /** Called when a client receives an offer (mesh setup answers it). */
  onOffer: ((to: WireClient, from: string) => void) | undefined;

  send(from: WireClient, to: WireClient, kind: SignalKind, cross: boolean): void {
    const id = this.nextId++;
    this.inFlight.set(id, { sentAt: now(), cross, recorded: this.recording });
    from.signal(kind, to.userId, kind === 'ice_candidate' ? candidateBody(id) : sdpBody(id));
  }

  received(to: WireClient, kind: SignalKind, senderUserId: string, body: string): void {
    const id = idOf(kind, body);
    const flight = this.inFlight.get(id);
    if (!flight) return;
    this.inFlight.delete(id);
    this.delivered += 1;
    if (flight.recorded) {
      const latency = now() - flight.sentAt;
      this.latencies.push(latency);
      if (flight.cross) this.crossLatencies.push(latency);
    }
    if (kind === 'offer') this.onOffer?.(to, senderUserId);
    this.onDelivered?.(to);
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /**
   * Waits (bounded) until nothing is in flight, so the next phase starts clean; resolves with
   * how many recorded frames never arrived.
   */
  async drain(timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) await delay(20);
    const lost = [...this.inFlight.values()].filter((flight) => flight.recorded).length;
    this.inFlight.clear();
    return lost;
  }
}

function clientFor(
  system: SystemName,
  url: string,
  user: BenchUser,
  batchWrites = false,
): WireClient {
  const spec = { url, userId: user.userId, token: user.token, batchWrites };
  return system === 'socketio' ? new SocketIoClient(spec) : new SignalingClient(spec);
}

const HEARTBEAT_INTERVAL_MS = 10_000;
/** The heartbeat interval is cut into this many slots, each client heartbeating in its own. */
const HEARTBEAT_SLOTS = 100;

/** Runs `work` over `items` with at most `limit` at a time. */
async function inBatches<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += limit) {
    await Promise.all(items.slice(i, i + limit).map(work));
  }
}

/**
 * Connects the users, puts them in rooms of 4–6 (members of a room alternate between the nodes)
 * and joins them in order, one room member at a time, as people arrive in a meeting. With
 * `batchWrites` (saturation) each client gathers its frames of one event-loop turn into one write.
 */
export async function populate(
  system: SystemName,
  servers: Pick<BenchServer, 'url'>[],
  users: BenchUser[],
  roomIds: string[],
  roomSizes: number[],
  batchWrites = false,
): Promise<Population> {
  const tracker = new Tracker();
  const rooms: WireClient[][] = [];
  const nodeOf = new Map<WireClient, number>();
  let next = 0;
  for (let r = 0; r < roomIds.length; r += 1) {
    const size = roomSizes[r % roomSizes.length]!;
    const members = users.slice(next, next + size).map((user, i) => {
      const node = i % servers.length;
      const client = clientFor(system, servers[node]!.url, user, batchWrites);
      nodeOf.set(client, node);
      client.onSignal = (kind, sender, body) => tracker.received(client, kind, sender, body);
      return client;
    });
    next += size;
    rooms.push(members);
  }
  const clients = rooms.flat();
  await inBatches(clients, 100, (client) => client.connect());
  await inBatches(
    rooms.map((members, r) => ({ members, roomId: roomIds[r]! })),
    20,
    async ({ members, roomId }) => {
      for (const member of members) await member.join(roomId);
    },
  );
  const peersOf = new Map<WireClient, WireClient[]>();
  for (const members of rooms) {
    for (const member of members)
      peersOf.set(
        member,
        members.filter((m) => m !== member),
      );
  }
  // Clients heartbeat every 10 s as the protocol asks (DESIGN §4.6), each at its own moment as
  // people who joined at different times do — not all of them in the same millisecond.
  let slot = 0;
  const heartbeats = setInterval(() => {
    for (let i = slot; i < clients.length; i += HEARTBEAT_SLOTS) clients[i]!.heartbeat();
    slot = (slot + 1) % HEARTBEAT_SLOTS;
  }, HEARTBEAT_INTERVAL_MS / HEARTBEAT_SLOTS);
  return {
    clients,
    rooms,
    peersOf,
    nodeOf,
    tracker,
    stopHeartbeats: () => clearInterval(heartbeats),
  };
}

export async function closeAll(population: Population): Promise<void> {
  population.stopHeartbeats();
  await inBatches(population.clients, 500, (client) => client.close());
}

const crossNode = (population: Population, a: WireClient, b: WireClient) =>
  population.nodeOf.get(a) !== population.nodeOf.get(b);

/**
 * The full-mesh setup of every room: for each pair the earlier member offers (~4 KB) and sends
 * its candidates, the newcomer answers (~4 KB) with its own; `candidatesPerPair` in all.
 * Resolves with the time it took until every frame was delivered.
 */
export async function meshSetup(population: Population, candidatesPerPair: number) {
  const { tracker } = population;
  const perSide = Math.floor(candidatesPerPair / 2);
  const byId = new Map(population.clients.map((client) => [client.userId, client]));
  let expected = 0;
  tracker.onOffer = (to, fromUserId) => {
    const from = byId.get(fromUserId);
    if (!from) return;
    tracker.send(to, from, 'answer', crossNode(population, to, from));
    for (let i = 0; i < perSide; i += 1) {
      tracker.send(to, from, 'ice_candidate', crossNode(population, to, from));
    }
  };
  const startedAt = now();
  const startCount = tracker.delivered;
  for (const members of population.rooms) {
    for (let i = 0; i < members.length; i += 1) {
      for (let j = i + 1; j < members.length; j += 1) {
        const [a, b] = [members[i]!, members[j]!];
        tracker.send(a, b, 'offer', crossNode(population, a, b));
        for (let k = 0; k < perSide; k += 1) {
          tracker.send(a, b, 'ice_candidate', crossNode(population, a, b));
        }
        expected += 2 + 2 * perSide;
      }
    }
  }
  const deadline = Date.now() + 60_000;
  while (tracker.delivered - startCount < expected && Date.now() < deadline) await delay(5);
  tracker.onOffer = undefined;
  return {
    frames: expected,
    ms: now() - startedAt,
    complete: tracker.delivered - startCount >= expected,
  };
}

/** One in ten steady-state frames is a 4 KB SDP (renegotiation), the rest are candidates. */
function steadyKind(seq: number): SignalKind {
  return seq % 10 === 0 ? 'offer' : 'ice_candidate';
}

function randomPeer(population: Population, client: WireClient): WireClient {
  const peers = population.peersOf.get(client)!;
  return peers[Math.floor(Math.random() * peers.length)]!;
}

/**
 * Saturation: a closed loop that keeps `window` × clients frames in flight — each client starts
 * `window` to random peers of its room, and every delivered frame makes its receiver send one to
 * a random peer of its own (as negotiation goes: an offer is answered by the peer that got it),
 * so the total stays constant while each client's share drifts; delivered frames per second over
 * the measuring period.
 */
export async function saturation(
  population: Population,
  servers: Pick<BenchServer, 'cpuSeconds'>[],
  options: { window: number; warmupMs: number; measureMs: number; windows: number },
) {
  const { tracker } = population;
  let seq = 0;
  let running = true;
  tracker.onDelivered = (receiver) => {
    if (!running) return;
    const to = randomPeer(population, receiver);
    tracker.send(receiver, to, steadyKind(seq++), crossNode(population, receiver, to));
  };
  for (const client of population.clients) {
    for (let i = 0; i < options.window; i += 1) {
      const to = randomPeer(population, client);
      tracker.send(client, to, steadyKind(seq++), crossNode(population, client, to));
    }
  }
  const serverCpu = async () =>
    (await Promise.all(servers.map((server) => server.cpuSeconds()))).reduce((a, b) => a + b, 0);
  await delay(options.warmupMs);
  // The best of a few windows: the machine is shared, and a burst of someone else's work should
  // not pass for the server's limit.
  let best = { msgsPerSecond: 0, cpuMicrosPerMsg: Number.NaN };
  for (let window = 0; window < options.windows; window += 1) {
    const before = tracker.delivered;
    const cpuBefore = await serverCpu();
    const startedAt = now();
    await delay(options.measureMs / options.windows);
    const delivered = tracker.delivered - before;
    const elapsed = now() - startedAt;
    const cpu = (await serverCpu()) - cpuBefore;
    const msgsPerSecond = (delivered * 1000) / elapsed;
    if (msgsPerSecond > best.msgsPerSecond) {
      best = { msgsPerSecond, cpuMicrosPerMsg: (cpu * 1e6) / delivered };
    }
  }
  running = false;
  tracker.onDelivered = undefined;
  await tracker.drain();
  /** Frames/s of the best window, and the server CPU (all nodes) per frame in it, in µs. */
  return best;
}

/**
 * Relay latency at a fixed offered load (an open loop: frames go out on a timer whatever the
 * server does), from random clients to random peers of their rooms.
 */
export async function latencyAtLoad(
  population: Population,
  options: { ratePerSecond: number; warmupMs: number; durationMs: number },
) {
  const { tracker, clients } = population;
  tracker.latencies = [];
  tracker.crossLatencies = [];
  let seq = 0;
  let budget = 0;
  let last = now();
  let turn = 0;
  const ticker = setInterval(() => {
    const t = now();
    budget += ((t - last) / 1000) * options.ratePerSecond;
    last = t;
    for (; budget >= 1; budget -= 1) {
      const from = clients[turn++ % clients.length]!;
      const to = randomPeer(population, from);
      tracker.send(from, to, steadyKind(seq++), crossNode(population, from, to));
    }
  }, 1);
  // The first part only warms the servers up (JIT), as in a real deployment that has run a while.
  await delay(options.warmupMs);
  const warmup = seq;
  tracker.recording = true;
  const from = Date.now();
  await delay(options.durationMs);
  tracker.recording = false;
  const to = Date.now();
  clearInterval(ticker);
  const lost = await tracker.drain();
  return {
    /** The recorded period (epoch ms), to read the servers' GC figures over. */
    window: { from, to },
    sent: seq - warmup,
    p50: percentile(tracker.latencies, 50),
    p99: percentile(tracker.latencies, 99),
    crossP99: percentile(tracker.crossLatencies, 99),
    lost,
  };
}

/**
 * Memory of idle connections: `count` authenticated sockets that do nothing, on a fresh server;
 * the growth of its resident memory divided by the sockets. Read once the server has settled:
 * right after the connections, resident memory still holds the garbage of the handshakes (up to
 * a young generation's worth, a few KiB per socket at 5k) until V8's memory reducer collects it,
 * some seconds later, at a moment that differs from run to run; the median of a few readings
 * after that is the steady figure.
 */
const IDLE_SETTLE_MS = 10_000;
const IDLE_READINGS = 5;

export async function idleMemory(
  system: SystemName,
  server: BenchServer,
  users: BenchUser[],
  count: number,
): Promise<{ bytesPerSocket: number; sockets: number }> {
  const make = (i: number) => clientFor(system, server.url, users[i % users.length]!);
  // Warm up code paths first, so the measurement is connections rather than JIT and caches.
  const warm = Array.from({ length: 50 }, (_, i) => make(i));
  await inBatches(warm, 50, (client) => client.connect());
  await inBatches(warm, 50, (client) => client.close());
  await delay(1_000);
  const before = await server.rss();
  const idle = Array.from({ length: count }, (_, i) => make(i));
  await inBatches(idle, 250, (client) => client.connect());
  await delay(IDLE_SETTLE_MS);
  const readings: number[] = [];
  for (let i = 0; i < IDLE_READINGS; i += 1) {
    readings.push(await server.rss());
    await delay(1_000);
  }
  const after = percentile(readings, 50);
  await inBatches(idle, 500, (client) => client.close());
  return { bytesPerSocket: (after - before) / count, sockets: count };
}
