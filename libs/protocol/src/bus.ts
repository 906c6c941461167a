import { z } from 'zod';
import { roomIdSchema, userIdSchema } from './ids';
import { chatMessageSchema } from './signaling';

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

// Membership changes, published by signaling's Lua scripts atomically with the change. The
// scripts spell their type and field names from the constants here (a test checks the Lua).

/** The bus types of membership events. */
export const MemberEventType = { joined: 'user_joined', left: 'user_left' } as const;
/** The `data` fields of membership events. */
export const MemberEventField = {
  userId: 'userId',
  displayName: 'displayName',
  domain: 'domain',
  /** `<nodeId>:<socketId>` of the member's socket. */
  connection: 'connection',
  /** On `user_joined`: `true` when the member resumed its seat from a new socket. */
  resumed: 'resumed',
} as const;

const connectionSchema = z.string().min(3);
/** A member took a seat (or re-asserted it); `from` is the member. */
export const memberJoinedEventSchema = busEnvelopeSchema.extend({
  type: z.literal(MemberEventType.joined),
  data: z.strictObject({
    [MemberEventField.userId]: userIdSchema,
    [MemberEventField.displayName]: z.string(),
    [MemberEventField.domain]: z.string(),
    [MemberEventField.connection]: connectionSchema,
    [MemberEventField.resumed]: z.literal(true).optional(),
  }),
});
/** A member's seat was given up, swept or pruned; `from` is the member. */
export const memberLeftEventSchema = busEnvelopeSchema.extend({
  type: z.literal(MemberEventType.left),
  data: z.strictObject({
    [MemberEventField.userId]: userIdSchema,
    [MemberEventField.connection]: connectionSchema,
  }),
});
export type MemberJoinedEvent = z.infer<typeof memberJoinedEventSchema>;
export type MemberLeftEvent = z.infer<typeof memberLeftEventSchema>;

// Meeting features (DESIGN §4.12) between signaling nodes. The hand, lock and removal events are
// published by signaling's Lua scripts, atomically with the change they announce; the scripts
// spell their type and field names from the constants here (a test checks the Lua).

/** The bus types of meeting events. */
export const MeetingEventType = {
  handChanged: 'hand_changed',
  lockChanged: 'lock_changed',
  participantRemoved: 'participant_removed',
  chat: 'chat',
} as const;
/** The `data` fields of `hand_changed`. */
export const HandChangedField = {
  userId: 'userId',
  raised: 'raised',
  raisedAt: 'raisedAt',
} as const;
/** The `data` field of `lock_changed`. */
export const LockChangedField = { locked: 'locked' } as const;
/** The `data` field of `participant_removed`. */
export const ParticipantRemovedField = { roomId: 'roomId' } as const;

/** A hand went up or down; `raisedAt` is Redis time (ms) while raised. */
export const handChangedEventSchema = busEnvelopeSchema.extend({
  type: z.literal(MeetingEventType.handChanged),
  data: z.object({
    [HandChangedField.userId]: userIdSchema,
    [HandChangedField.raised]: z.boolean(),
    [HandChangedField.raisedAt]: z.number().optional(),
  }),
});
/** The host locked or unlocked the meeting. */
export const lockChangedEventSchema = busEnvelopeSchema.extend({
  type: z.literal(MeetingEventType.lockChanged),
  data: z.object({ [LockChangedField.locked]: z.boolean() }),
});
/** The host removed `to` from the meeting; its seat is already gone. */
export const participantRemovedEventSchema = busEnvelopeSchema.extend({
  type: z.literal(MeetingEventType.participantRemoved),
  to: userIdSchema,
  data: z.object({ [ParticipantRemovedField.roomId]: roomIdSchema }),
});
/**
 * A chat message for every member, rendered once by the sender's node; `node` is that node,
 * which has already delivered it to its own members.
 */
export const chatEventSchema = busEnvelopeSchema.extend({
  type: z.literal(MeetingEventType.chat),
  data: z.object({ node: z.string().min(1), frame: chatMessageSchema }),
});
export type HandChangedEvent = z.infer<typeof handChangedEventSchema>;
export type LockChangedEvent = z.infer<typeof lockChangedEventSchema>;
export type ParticipantRemovedEvent = z.infer<typeof participantRemovedEventSchema>;
export type ChatEvent = z.infer<typeof chatEventSchema>;
