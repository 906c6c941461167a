import { roomSchema, type Room } from '@qual-meet/protocol';
import { RedisKeys, type Redis } from '@qual-meet/redis';

/** Why a room could not be looked up (as opposed to: it does not exist). */
export class RoomLookupError extends Error {
  override readonly name = 'RoomLookupError';
  constructor(
    /** `unauthorized`: room-service refused the user's token; `unavailable`: try again later. */
    readonly reason: 'unauthorized' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

/** Where signaling learns whether a room exists, is active and how many it seats. */
export interface RoomDirectory {
  /**
   * The room, or `null` when no meeting has this id. Throws {@link RoomLookupError} when the
   * answer cannot be had now.
   */
  lookup(roomId: string, accessToken: string): Promise<Room | null>;
}

/** Where a lookup's answer came from, for the lookups metric. */
export type LookupSource = 'cache' | 'room_service' | 'not_found_cache';

export interface RoomDirectoryOptions {
  redis: Redis;
  /** Told where each answer came from. */
  onLookup?: (source: LookupSource) => void;
  /** Base URL of room-service. */
  roomServiceUrl: string;
  timeoutMs: number;
}

/**
 * Reads room-service's write-through cache `room:{roomId}` and, on a miss, asks room-service
 * itself with the user's own token (room-service then fills the cache). Signaling never writes
 * the cache: room-service owns it, and a stale copy written here could outlive an ended meeting.
 */
export function createRoomDirectory(options: RoomDirectoryOptions): RoomDirectory {
  const base = options.roomServiceUrl.replace(/\/+$/, '');

  async function fromCache(roomId: string): Promise<Room | undefined> {
    let cached: string | null;
    try {
      cached = await options.redis.get(RedisKeys.room(roomId));
    } catch (error) {
      throw new RoomLookupError(
        'unavailable',
        `room cache unreadable: ${(error as Error).message}`,
      );
    }
    if (cached === null) return undefined;
    try {
      const room = roomSchema.safeParse(JSON.parse(cached));
      return room.success ? room.data : undefined;
    } catch {
      return undefined;
    }
  }

  async function fromRoomService(roomId: string, accessToken: string): Promise<Room | null> {
    let response: Response;
    try {
      response = await fetch(`${base}/api/rooms/${encodeURIComponent(roomId)}`, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      throw new RoomLookupError(
        'unavailable',
        `room-service unreachable: ${(error as Error).name}`,
      );
    }
    if (response.status === 404 || response.status === 400) {
      await response.body?.cancel();
      return null;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new RoomLookupError('unauthorized', `room-service answered ${response.status}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new RoomLookupError('unavailable', `room-service answered ${response.status}`);
    }
    const room = roomSchema.safeParse(await response.json().catch(() => undefined));
    if (!room.success) throw new RoomLookupError('unavailable', 'room-service sent no room');
    return room.data;
  }

  return {
    async lookup(roomId, accessToken) {
      const cached = await fromCache(roomId);
      options.onLookup?.(cached ? 'cache' : 'room_service');
      return cached ?? fromRoomService(roomId, accessToken);
    },
  };
}

/** Remembered unknown ids at most; the oldest go first. */
const MAX_NOT_FOUND = 10_000;

/**
 * Remembers for `ttlMs` that a room id is unknown, so a client repeating one never reaches
 * room-service and Postgres again meanwhile (distinct ids are held back by the join rate). Room ids
 * are random UUIDs chosen by room-service, so an id unknown now is still unknown a moment later.
 */
export function rememberingNotFound(
  directory: RoomDirectory,
  ttlMs: number,
  onHit: () => void = () => undefined,
): RoomDirectory {
  const unknown = new Map<string, number>();
  return {
    async lookup(roomId, accessToken) {
      const until = unknown.get(roomId);
      if (until !== undefined && until > Date.now()) {
        onHit();
        return null;
      }
      unknown.delete(roomId);
      const room = await directory.lookup(roomId, accessToken);
      if (room === null) {
        if (unknown.size >= MAX_NOT_FOUND) unknown.delete(unknown.keys().next().value!);
        unknown.set(roomId, Date.now() + ttlMs);
      }
      return room;
    },
  };
}
