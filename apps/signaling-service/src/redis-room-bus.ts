import { RedisKeys, roomIdOfChannel, type Redis } from '@qual-meet/redis';
import type { RoomBus, RoomBusListener } from './room-bus';

/**
 * {@link RoomBus} on Redis Pub/Sub. Publishing uses the node's command connection (the same one
 * whose Lua scripts publish membership events, so a node's messages keep one order); receiving
 * uses a connection of its own, since a subscribed connection cannot run commands. ioredis
 * resubscribes that connection's channels by itself after a reconnect.
 */
export class RedisRoomBus implements RoomBus {
  private listener: RoomBusListener = () => undefined;
  private publishesHeld = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
  ) {
    // Buffers, not strings: ioredis then skips decoding every message as UTF-8.
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const roomId = roomIdOfChannel(channel.toString());
      if (roomId) this.listener(roomId, message);
    });
  }

  publish(roomId: string, message: string): Promise<unknown> {
    this.holdWritesForThisTurn();
    return this.publisher.publish(RedisKeys.roomEvents(roomId), message);
  }

  /**
   * Holds the publishing connection's writes until the event loop's check phase, so the relays of
   * every socket read in this loop turn reach Redis in one write: cheaper than ioredis's
   * auto-pipelining (figures in docs/BENCHMARKS.md). Order is kept: corking only delays the bytes.
   */
  private holdWritesForThisTurn(): void {
    if (this.publishesHeld || this.publisher.status !== 'ready') return;
    const stream = this.publisher.stream;
    stream.cork();
    this.publishesHeld = true;
    setImmediate(() => {
      this.publishesHeld = false;
      stream.uncork();
    });
  }

  async subscribe(roomId: string): Promise<void> {
    await this.subscriber.subscribe(RedisKeys.roomEvents(roomId));
  }

  async unsubscribe(roomId: string): Promise<void> {
    await this.subscriber.unsubscribe(RedisKeys.roomEvents(roomId));
  }

  onMessage(listener: RoomBusListener): void {
    this.listener = listener;
  }
}
