import { z } from 'zod';
import { userIdSchema } from './ids';

/**
 * What travels on the Redis channel `room_events:{roomId}` between signaling nodes and from
 * room-service. `to` addresses one user; without it every member of the room receives `data`.
 */
export const busEnvelopeSchema = z.object({
  type: z.string().min(1),
  /** The user (or service) that caused the event. */
  from: z.string().min(1),
  to: userIdSchema.optional(),
  data: z.record(z.string(), z.unknown()),
});
export type BusEnvelope = z.infer<typeof busEnvelopeSchema>;

/** `from` of events published by room-service rather than a user. */
export const ROOM_SERVICE_SENDER = 'room-service';

/** Published by room-service on `room_events:{roomId}` when the host ends the meeting. */
export const roomEndedEventSchema = busEnvelopeSchema.extend({
  type: z.literal('room_ended'),
  from: z.literal(ROOM_SERVICE_SENDER),
  data: z.object({ roomId: z.uuid() }),
});
export type RoomEndedEvent = z.infer<typeof roomEndedEventSchema>;
