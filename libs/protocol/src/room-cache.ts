import { roomSchema, type Room } from './http';
import { parseJsonAs } from './json';

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
    return parseJsonAs(roomSchema, raw);
  },
};
