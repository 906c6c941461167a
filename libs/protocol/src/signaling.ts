import { z } from 'zod';
import { roomIdSchema, userIdSchema } from './ids';
import { Limits } from './limits';

/** Close codes the signaling server uses (DESIGN §4). */
export const CloseCode = {
  /** Server going away (shutdown): reconnect, possibly to another node. */
  GOING_AWAY: 1001,
  /** Frame larger than the limit. */
  MESSAGE_TOO_BIG: 1009,
  /** A join could not be decided (Redis or room-service unreachable): reconnect with backoff. */
  TRY_AGAIN_LATER: 1013,
  /** Missing, invalid or expired token, or no `auth` frame in time. */
  UNAUTHORIZED: 4401,
  /** Sustained flooding after `rate_limited` warnings. */
  RATE_LIMITED: 4429,
  /** The same user joined the room from another connection. */
  REPLACED: 4409,
  /** The client speaks a protocol version this server does not (DESIGN §4.12). */
  UNSUPPORTED_VERSION: 4400,
} as const;

/** The signaling protocol version this release speaks; `auth` may name it (absent means 1). */
export const PROTOCOL_VERSION = 1;
/** Versions a server accepts in `auth.protocolVersion`. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1];
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export const SignalingErrorCode = {
  invalid_message: 'invalid_message',
  room_not_found: 'room_not_found',
  room_inactive: 'room_inactive',
  room_full: 'room_full',
  not_in_room: 'not_in_room',
  peer_not_found: 'peer_not_found',
  rate_limited: 'rate_limited',
  unauthorized: 'unauthorized',
  room_locked: 'room_locked',
  removed: 'removed',
  not_host: 'not_host',
  unsupported_version: 'unsupported_version',
} as const;
export type SignalingErrorCode = (typeof SignalingErrorCode)[keyof typeof SignalingErrorCode];

/** SDP text of an offer or answer, capped at {@link Limits.sdpChars}. */
export const sdpSchema = z.string().min(1).max(Limits.sdpChars);

/** The JSON form of an RTCIceCandidate (`RTCIceCandidateInit`). */
export const iceCandidateSchema = z.strictObject({
  candidate: z.string().max(Limits.iceCandidateChars),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});
export type IceCandidate = z.infer<typeof iceCandidateSchema>;

/**
 * A member as others see them. `domain` (the part of the email after `@`) lets a client tell
 * `alice@company.example` from `alice@evil.example` (DECISIONS: names that cannot pass for
 * someone else's); servers always send it, clients tolerate its absence.
 */
export const peerSchema = z.object({
  userId: userIdSchema,
  displayName: z.string(),
  domain: z.string().optional(),
});
export type Peer = z.infer<typeof peerSchema>;

/** Chat text: at most this many characters once trimmed, and at least one (DESIGN §4.12). */
export const CHAT_MAX_CHARS = 2000;
/** Chat text as sent: trimmed, 1–2000 characters. Raw input is capped before trimming too. */
export const chatTextSchema = z
  .string()
  .max(CHAT_MAX_CHARS * 4)
  .transform((text) => text.trim())
  .pipe(z.string().min(1).max(CHAT_MAX_CHARS));

/** A raised hand as a late joiner learns it: who, and the server time it went up. */
export const raisedHandSchema = z.object({ userId: userIdSchema, raisedAt: z.number() });
export type RaisedHand = z.infer<typeof raisedHandSchema>;

// Client → server. Frames are flat: fields sit beside `type`; unknown fields are rejected.
export const authFrameSchema = z.strictObject({
  type: z.literal('auth'),
  token: z.string().max(8192),
  /** Absent means 1; one the server does not speak → `error unsupported_version`, close 4400. */
  protocolVersion: z.number().int().min(1).max(1_000_000).optional(),
});
/**
 * The `resumeToken` of an earlier `room_joined` of this room (our addition): a client whose socket
 * died takes its seat back silently — the others see no `user_left`/`user_joined`, only
 * `user_resumed` — provided the token is the latest one issued to that seat and the seat is still
 * held by the connection it was issued to. Any other token makes it a plain join.
 */
export const resumeTokenSchema = z
  .string()
  .min(Limits.resumeTokenChars)
  .max(Limits.resumeTokenChars)
  .regex(/^[A-Za-z0-9_-]+$/);
export const joinRoomFrameSchema = z.strictObject({
  type: z.literal('join_room'),
  roomId: roomIdSchema,
  resume: resumeTokenSchema.optional(),
});
export const leaveRoomFrameSchema = z.strictObject({ type: z.literal('leave_room') });
export const offerFrameSchema = z.strictObject({
  type: z.literal('offer'),
  targetUserId: userIdSchema,
  sdp: sdpSchema,
});
export const answerFrameSchema = z.strictObject({
  type: z.literal('answer'),
  targetUserId: userIdSchema,
  sdp: sdpSchema,
});
export const clientIceCandidateFrameSchema = z.strictObject({
  type: z.literal('ice_candidate'),
  targetUserId: userIdSchema,
  candidate: iceCandidateSchema,
});
export const heartbeatFrameSchema = z.strictObject({ type: z.literal('heartbeat') });
/** To every member of the sender's room, the sender included; relayed, never stored. */
export const chatFrameSchema = z.strictObject({ type: z.literal('chat'), text: chatTextSchema });
/** Raise or lower one's own hand; every member gets `hand_changed`. */
export const setHandFrameSchema = z.strictObject({
  type: z.literal('set_hand'),
  raised: z.boolean(),
});
// Host controls: the server checks the sender is the meeting's hostId (else `not_host`).
export const lockRoomFrameSchema = z.strictObject({
  type: z.literal('lock_room'),
  locked: z.boolean(),
});
export const removeParticipantFrameSchema = z.strictObject({
  type: z.literal('remove_participant'),
  targetUserId: userIdSchema,
});
export const muteParticipantFrameSchema = z.strictObject({
  type: z.literal('mute_participant'),
  targetUserId: userIdSchema,
});
export const lowerHandFrameSchema = z.strictObject({
  type: z.literal('lower_hand'),
  targetUserId: userIdSchema,
});

export const clientMessageSchema = z.discriminatedUnion('type', [
  authFrameSchema,
  joinRoomFrameSchema,
  leaveRoomFrameSchema,
  offerFrameSchema,
  answerFrameSchema,
  clientIceCandidateFrameSchema,
  heartbeatFrameSchema,
  chatFrameSchema,
  setHandFrameSchema,
  lockRoomFrameSchema,
  removeParticipantFrameSchema,
  muteParticipantFrameSchema,
  lowerHandFrameSchema,
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];
/** Frames that carry WebRTC negotiation to one peer. */
export type TargetedClientMessage = Extract<
  ClientMessage,
  { type: 'offer' | 'answer' | 'ice_candidate' }
>;
/** Frames only the meeting's host may send. */
export type HostClientMessage = Extract<
  ClientMessage,
  { type: 'lock_room' | 'remove_participant' | 'mute_participant' | 'lower_hand' }
>;

// Server → client.
/** A chat message as every member receives it (and as nodes pass it on to each other). */
export const chatMessageSchema = z.object({
  type: z.literal('chat'),
  senderUserId: userIdSchema,
  displayName: z.string(),
  domain: z.string().optional(),
  text: z.string(),
  /** Server time, ms since the epoch. */
  sentAt: z.number(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('authenticated'), userId: userIdSchema }),
  z.object({
    type: z.literal('room_joined'),
    roomId: roomIdSchema,
    existingPeers: z.array(userIdSchema),
    peers: z.array(peerSchema),
    /** The meeting's host, so clients can show host controls to the host only. */
    hostId: userIdSchema.optional(),
    locked: z.boolean().optional(),
    hands: z.array(raisedHandSchema).optional(),
    /** Presented as `join_room.resume` to take this seat back after a lost socket. */
    resumeToken: resumeTokenSchema.optional(),
    /** True when this join resumed the seat of an earlier connection (the others kept us). */
    resumed: z.boolean().optional(),
  }),
  z.object({
    type: z.literal('user_joined'),
    userId: userIdSchema,
    displayName: z.string(),
    domain: z.string().optional(),
  }),
  z.object({ type: z.literal('user_left'), userId: userIdSchema }),
  /**
   * A member's socket was replaced by a resume (our addition): same person, same seat, so keep
   * the peer connection; what we sent them while their socket was dead may be lost.
   */
  z.object({ type: z.literal('user_resumed'), userId: userIdSchema }),
  /**
   * The answer to `heartbeat` (our addition), at most one per {@link Limits.heartbeatAckIntervalMs}
   * per socket: lets a client tell a live socket from one whose network is gone.
   */
  z.object({ type: z.literal('heartbeat_ack') }),
  z.object({ type: z.literal('room_ended'), roomId: roomIdSchema }),
  z.object({ type: z.literal('offer'), senderUserId: userIdSchema, sdp: sdpSchema }),
  z.object({ type: z.literal('answer'), senderUserId: userIdSchema, sdp: sdpSchema }),
  z.object({
    type: z.literal('ice_candidate'),
    senderUserId: userIdSchema,
    candidate: iceCandidateSchema,
  }),
  chatMessageSchema,
  z.object({ type: z.literal('lock_changed'), locked: z.boolean() }),
  z.object({ type: z.literal('removed'), roomId: roomIdSchema }),
  z.object({ type: z.literal('mute_request'), senderUserId: userIdSchema }),
  z.object({
    type: z.literal('hand_changed'),
    userId: userIdSchema,
    raised: z.boolean(),
    /** Server time the hand went up (ms since the epoch); absent when lowered. */
    raisedAt: z.number().optional(),
  }),
  z.object({
    type: z.literal('error'),
    code: z.enum(SignalingErrorCode),
    message: z.string(),
  }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type ServerMessageType = ServerMessage['type'];
export type ServerMessageOf<T extends ServerMessageType> = Extract<ServerMessage, { type: T }>;
