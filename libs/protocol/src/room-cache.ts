import { roomSchema, type Room } from './http';

/**
 * The `room:{roomId}` entry in Redis: room-service writes it through, signaling reads it. One
 * codec for both, so the two never disagree on the JSON.
 */
export const roomCacheCodec = {
  encode(room: Room): string {
    return JSON.stringify(roomSchema.parse(room));
  },
  /** The cached room; `undefined` for an entry that is not one (read as a miss). */
  decode(raw: string): Room | undefined {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return undefined;
    }
    const parsed = roomSchema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  },
};
