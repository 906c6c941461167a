import type { FastifyBaseLogger } from 'fastify';
import type { Sql } from '@qual-meet/db';
import type { Room } from '@qual-meet/protocol';
import { Errors } from '@qual-meet/server-kit';
import {
  endActiveMeeting,
  findMeeting,
  insertMeeting,
  isForeignKeyViolation,
  listMeetingsHostedBy,
} from './meetings';
import type { RoomCache } from './room-cache';

/**
 * Meetings: Postgres is the truth, `room:{roomId}` in Redis a write-through cache.
 *
 * - Writes go to Postgres, then to the cache in the same request. Creating a room survives a
 *   Redis outage (the entry is simply missing, and a miss is always safe).
 * - Reads come from the cache and fall back to Postgres (refilling the cache) on a miss or while
 *   Redis is down.
 * - Ending is terminal, and the cache must never say "active" once Postgres says "ended": the
 *   transition, the cache write and the `room_ended` event happen inside one Postgres
 *   transaction that commits only after Redis took both (one atomic script). If Redis fails, the
 *   transaction rolls back and the caller gets 503, with nothing changed anywhere. Readers
 *   refilling the cache use a script that never overwrites an ended entry with an active one.
 */
export class RoomStore {
  constructor(
    private readonly sql: Sql,
    private readonly cache: RoomCache,
  ) {}

  /** Creates a meeting hosted by `hostId`. */
  async create(hostId: string, maxParticipants: number, log: FastifyBaseLogger): Promise<Room> {
    let room: Room;
    try {
      room = await insertMeeting(this.sql, hostId, maxParticipants);
    } catch (error) {
      // A valid token whose account no longer exists: the caller must log in again.
      if (isForeignKeyViolation(error)) throw new Errors.Unauthorized();
      throw error;
    }
    await this.cacheQuietly(room, log);
    return room;
  }

  /** The meeting, from the cache when it holds it. */
  async get(roomId: string, log: FastifyBaseLogger): Promise<Room | undefined> {
    let cacheReachable = true;
    try {
      const cached = await this.cache.get(roomId);
      if (cached) return cached;
    } catch (error) {
      cacheReachable = false;
      log.warn({ err: error, roomId }, 'room cache unreachable: reading Postgres');
    }
    const room = await findMeeting(this.sql, roomId);
    if (room && cacheReachable) await this.cacheQuietly(room, log);
    return room;
  }

  /**
   * Ends a meeting on behalf of `callerId`, who must be its host. Ending an ended meeting answers
   * the ended room again without announcing it twice.
   */
  async end(roomId: string, callerId: string, log: FastifyBaseLogger): Promise<Room> {
    const ended = await this.sql.begin(async (tx) => {
      const room = await endActiveMeeting(tx, roomId, callerId);
      if (!room) return undefined;
      try {
        await this.cache.recordEnd(room);
      } catch (error) {
        log.warn({ err: error, roomId }, 'room cache unreachable: end rolled back');
        throw new Errors.ServiceUnavailable();
      }
      return room;
    });
    if (ended) {
      log.info({ roomId }, 'room ended');
      return ended;
    }
    const room = await findMeeting(this.sql, roomId);
    if (!room) throw new Errors.RoomNotFound();
    if (room.hostId !== callerId) throw new Errors.NotHost();
    // Already ended. Re-writing the ended entry restores it if Redis lost it in the meantime.
    await this.cacheQuietly(room, log);
    return room;
  }

  /** The meetings `hostId` created, newest first, straight from Postgres. */
  listHostedBy(hostId: string, limit: number): Promise<Room[]> {
    return listMeetingsHostedBy(this.sql, hostId, limit);
  }

  /**
   * Writes the cache when Redis answers. A failed write leaves the entry as it was: missing for a
   * new or refilled room, ended for an ended one — both safe.
   */
  private async cacheQuietly(room: Room, log: FastifyBaseLogger): Promise<void> {
    try {
      await this.cache.remember(room);
    } catch (error) {
      log.warn({ err: error, roomId: room.id }, 'room cache write skipped: Redis unavailable');
    }
  }
}
