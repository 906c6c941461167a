import { z } from 'zod';
import { parseJsonAs } from './json';

/**
 * What travels peer to peer on the `media-state` data channel of each peer connection (never
 * through the servers): whether the sender is muted, has its camera off, and which of its
 * streams is a shared screen. Receivers tell a screen from a camera by that stream id.
 */

/** A message on the channel longer than this is not ours: ignored. */
export const PEER_MESSAGE_MAX_BYTES = 512;

/** `MediaStream.id`: a UUID in today's browsers, at most 64 characters by the spec's grammar. */
export const mediaStreamIdSchema = z.string().min(1).max(64);

/**
 * The sender's media state. Unknown fields are tolerated (a newer peer may say more); an older
 * peer omits `screenStreamId`, which means it is not sharing.
 */
/**
 * What the sender shows of the receiver's camera video, so the receiver's upload budget sends
 * no more than is seen (docs/CALL-QUALITY.md): the tile in device pixels, or hidden (tab in
 * the background, tile scrolled away).
 */
export const peerViewSchema = z.object({
  width: z.number().int().min(0).max(16_384),
  height: z.number().int().min(0).max(16_384),
  hidden: z.boolean(),
});
export type PeerView = z.infer<typeof peerViewSchema>;

/**
 * What the sender does to the camera video it sends the receiver, and whose connection forces
 * it: the sender's uplink or the receiver's side. Null: nothing is held back.
 */
export const peerSendLimitSchema = z.object({
  paused: z.boolean(),
  by: z.enum(['sender', 'receiver']),
});
export type PeerSendLimit = z.infer<typeof peerSendLimitSchema>;

export const peerMediaStateSchema = z.object({
  muted: z.boolean(),
  cameraOff: z.boolean(),
  /** The stream carrying the shared screen (video, and audio where the browser gave it). */
  screenStreamId: mediaStreamIdSchema.nullable().optional(),
  view: peerViewSchema.nullable().optional(),
  sendLimit: peerSendLimitSchema.nullable().optional(),
});
export type PeerMediaState = z.infer<typeof peerMediaStateSchema>;

/** A {@link PeerMediaState} from raw channel data, or null for anything else. */
export function parsePeerMediaState(data: unknown): PeerMediaState | null {
  if (typeof data !== 'string' || data.length > PEER_MESSAGE_MAX_BYTES) return null;
  return parseJsonAs(peerMediaStateSchema, data) ?? null;
}

/**
 * Once a connection's first offer/answer is done, only the impolite side offers: Chromium stops
 * delivering the polite side's received video when it rolls an offer back (docs/DECISIONS.md,
 * "Renegotiation without glare"). The polite side asks for an offer instead, saying how many
 * media sections of each kind its new tracks still lack; the other side makes room for them.
 */
export const PEER_OFFER_REQUEST_MAX_SECTIONS = 4;

export const peerOfferRequestSchema = z.object({
  type: z.literal('offer_request'),
  audio: z.number().int().min(0).max(PEER_OFFER_REQUEST_MAX_SECTIONS),
  video: z.number().int().min(0).max(PEER_OFFER_REQUEST_MAX_SECTIONS),
});
export type PeerOfferRequest = z.infer<typeof peerOfferRequestSchema>;

/** A message of the media-state channel: a state (no `type`, as older peers send it) or a request. */
export type PeerMessage =
  | { kind: 'state'; state: PeerMediaState }
  | { kind: 'offer_request'; request: PeerOfferRequest };

/** A {@link PeerMessage} from raw channel data, or null for anything else. */
export function parsePeerMessage(data: unknown): PeerMessage | null {
  if (typeof data !== 'string' || data.length > PEER_MESSAGE_MAX_BYTES) return null;
  const request = parseJsonAs(peerOfferRequestSchema, data);
  if (request) return { kind: 'offer_request', request };
  const state = parsePeerMediaState(data);
  return state ? { kind: 'state', state } : null;
}
