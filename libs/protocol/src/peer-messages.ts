import { z } from 'zod';

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
export const peerMediaStateSchema = z.object({
  muted: z.boolean(),
  cameraOff: z.boolean(),
  /** The stream carrying the shared screen (video, and audio where the browser gave it). */
  screenStreamId: mediaStreamIdSchema.nullable().optional(),
});
export type PeerMediaState = z.infer<typeof peerMediaStateSchema>;

/** A {@link PeerMediaState} from raw channel data, or null for anything else. */
export function parsePeerMediaState(data: unknown): PeerMediaState | null {
  if (typeof data !== 'string' || data.length > PEER_MESSAGE_MAX_BYTES) return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = peerMediaStateSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
