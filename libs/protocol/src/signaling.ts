import { z } from 'zod';
import { roomIdSchema, userIdSchema } from './ids';

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
} as const;
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
} as const;
export type SignalingErrorCode = (typeof SignalingErrorCode)[keyof typeof SignalingErrorCode];

/** SDP text of an offer or answer; generous for 6 tracks with many codecs, far below a frame. */
export const sdpSchema = z
  .string()
  .min(1)
  .max(48 * 1024);

/** The JSON form of an RTCIceCandidate (`RTCIceCandidateInit`). */
export const iceCandidateSchema = z.strictObject({
  candidate: z.string().max(2048),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});
export type IceCandidate = z.infer<typeof iceCandidateSchema>;

export const peerSchema = z.object({ userId: userIdSchema, displayName: z.string() });
export type Peer = z.infer<typeof peerSchema>;

// Client → server. Frames are flat: fields sit beside `type`; unknown fields are rejected.
export const authFrameSchema = z.strictObject({
  type: z.literal('auth'),
  token: z.string().max(8192),
});
export const joinRoomFrameSchema = z.strictObject({
  type: z.literal('join_room'),
  roomId: roomIdSchema,
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

export const clientMessageSchema = z.discriminatedUnion('type', [
  authFrameSchema,
  joinRoomFrameSchema,
  leaveRoomFrameSchema,
  offerFrameSchema,
  answerFrameSchema,
  clientIceCandidateFrameSchema,
  heartbeatFrameSchema,
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];
/** Frames that carry WebRTC negotiation to one peer. */
export type TargetedClientMessage = Extract<ClientMessage, { targetUserId: string }>;

// Server → client.
export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('authenticated'), userId: userIdSchema }),
  z.object({
    type: z.literal('room_joined'),
    roomId: roomIdSchema,
    existingPeers: z.array(userIdSchema),
    peers: z.array(peerSchema),
  }),
  z.object({ type: z.literal('user_joined'), userId: userIdSchema, displayName: z.string() }),
  z.object({ type: z.literal('user_left'), userId: userIdSchema }),
  z.object({ type: z.literal('room_ended'), roomId: roomIdSchema }),
  z.object({ type: z.literal('offer'), senderUserId: userIdSchema, sdp: sdpSchema }),
  z.object({ type: z.literal('answer'), senderUserId: userIdSchema, sdp: sdpSchema }),
  z.object({
    type: z.literal('ice_candidate'),
    senderUserId: userIdSchema,
    candidate: iceCandidateSchema,
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
