/**
 * Receives every message of the rooms a node is subscribed to, as bytes: most are relays for
 * someone elsewhere, which the node skips after reading a few bytes.
 */
export type RoomBusListener = (roomId: string, message: Buffer) => void;

/**
 * Room-scoped pub/sub between signaling nodes (`room_events:{roomId}`). Messages published on one
 * connection reach each subscriber in publish order. The room logic talks only to this, so it
 * runs the same on Redis and on the in-memory hub of the unit tests.
 */
export interface RoomBus {
  /** Sends one message to every node subscribed to the room; rejects when the bus is away. */
  publish(roomId: string, message: string): Promise<unknown>;
  /** Resolves once messages of the room published from now on will be received. */
  subscribe(roomId: string): Promise<void>;
  unsubscribe(roomId: string): Promise<void>;
  /** Sets the one listener of this bus. */
  onMessage(listener: RoomBusListener): void;
}

/**
 * An in-process hub standing in for Redis Pub/Sub in unit tests: several nodes `connect()` to
 * one hub. Delivery is asynchronous (a microtask) and ordered, like a subscriber connection.
 */
export class InMemoryBusHub {
  private readonly subscribers = new Map<string, Set<InMemoryRoomBus>>();

  /** A bus for one node. */
  connect(): InMemoryRoomBus {
    return new InMemoryRoomBus(this);
  }

  /** @internal */
  deliver(roomId: string, message: string): void {
    for (const bus of this.subscribers.get(roomId) ?? []) {
      queueMicrotask(() => bus.receive(roomId, Buffer.from(message)));
    }
  }

  /** @internal */
  setSubscribed(roomId: string, bus: InMemoryRoomBus, subscribed: boolean): void {
    let set = this.subscribers.get(roomId);
    if (!set) {
      set = new Set();
      this.subscribers.set(roomId, set);
    }
    if (subscribed) set.add(bus);
    else set.delete(bus);
    if (set.size === 0) this.subscribers.delete(roomId);
  }

  /** Rooms with at least one subscriber, for assertions. */
  subscribedRooms(): string[] {
    return [...this.subscribers.keys()];
  }
}

/** One node's connection to an {@link InMemoryBusHub}. */
export class InMemoryRoomBus implements RoomBus {
  private listener: RoomBusListener = () => undefined;
  private readonly rooms = new Set<string>();

  constructor(private readonly hub: InMemoryBusHub) {}

  async publish(roomId: string, message: string): Promise<void> {
    this.hub.deliver(roomId, message);
  }

  async subscribe(roomId: string): Promise<void> {
    this.rooms.add(roomId);
    this.hub.setSubscribed(roomId, this, true);
  }

  async unsubscribe(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
    this.hub.setSubscribed(roomId, this, false);
  }

  onMessage(listener: RoomBusListener): void {
    this.listener = listener;
  }

  /** @internal */
  receive(roomId: string, message: Buffer): void {
    if (this.rooms.has(roomId)) this.listener(roomId, message);
  }
}
