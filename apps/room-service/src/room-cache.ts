import type { Redis } from 'ioredis';
import {
  ROOM_SERVICE_SENDER,
  roomSchema,
  type Room,
  type RoomEndedEvent,
} from '@qual-meet/protocol';
import { RedisKeys, type RedisScript } from '@qual-meet/redis';
import { cacheRoomScript } from './cache-room-script';
import { endRoomScript } from './end-room-script';

export interface RoomCacheOptions {
  /** Lifetime of an entry; Postgres stays the truth, this only bounds memory. */
  ttlSeconds: number;
}

function parseEntry(raw: string): Room | undefined {
  try {
    const parsed = roomSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The write-through cache `room:{roomId}` (JSON of the protocol's room), read by room-service and
 * the signaling nodes. Every method rejects when Redis fails; callers decide what that means.
 */
export class RoomCache {
  private readonly cacheRoom: RedisScript<number>;
  private readonly endRoom: RedisScript<number>;

  constructor(
    private readonly redis: Redis,
    private readonly options: RoomCacheOptions,
  ) {
    this.cacheRoom = cacheRoomScript(redis);
    this.endRoom = endRoomScript(redis);
  }

  /** The cached room, or `undefined` on a miss (an unreadable entry counts as a miss). */
  async get(roomId: string): Promise<Room | undefined> {
    const raw = await this.redis.get(RedisKeys.room(roomId));
    return raw === null ? undefined : parseEntry(raw);
  }

  /**
   * Caches `room`, unless it is active and the cache already holds it ended (a stale copy must
   * not resurrect an ended meeting). Resolves whether it was written.
   */
  async remember(room: Room): Promise<boolean> {
    const written = await this.cacheRoom(
      [RedisKeys.room(room.id)],
      [JSON.stringify(room), room.isActive ? '1' : '0', this.options.ttlSeconds],
    );
    return written === 1;
  }

  /** Caches the ended `room` and publishes `room_ended` to its members, atomically. */
  async recordEnd(room: Room): Promise<void> {
    // The write below is unconditional, so only an ended room may take this path.
    if (room.isActive) throw new Error(`recordEnd called with active room ${room.id}`);
    const event: RoomEndedEvent = {
      type: 'room_ended',
      from: ROOM_SERVICE_SENDER,
      data: { roomId: room.id },
    };
    await this.endRoom(
      [RedisKeys.room(room.id)],
      [
        JSON.stringify(room),
        this.options.ttlSeconds,
        RedisKeys.roomEvents(room.id),
        JSON.stringify(event),
      ],
    );
  }
}
