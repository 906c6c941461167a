/**
 * The relay envelope: a bus envelope `{to, type, from, data: {sentAt, frame}}` that carries one
 * member's frame to one peer on `room_events:{roomId}`. Relays are the bulk of the bus, and every
 * node in a room receives every one, so they are laid out byte for byte: keys in this order, the
 * target first (a node skips relays for someone elsewhere after comparing a few bytes) and the
 * frame last (taken as a slice, never parsed again). The pieces below are the literal bytes
 * between the values; signaling's encoder joins them and its decoder compares them.
 */

/** The frames one member sends to one peer; `mute_request` is the host's. */
export const RelayTypes = ['offer', 'answer', 'ice_candidate', 'mute_request'] as const;
export type RelayType = (typeof RelayTypes)[number];

/** Length of a user id as written (a UUID): `to` and `from` have no other length. */
export const USER_ID_LENGTH = 36;

/** The literal bytes of a relay envelope, in order, around its values. */
export const RelayLayout = {
  /** Opens the envelope; the target's user id follows. */
  beforeTo: '{"to":"',
  /** Then the type (one of {@link RelayTypes}). */
  beforeType: '","type":"',
  /** Then the sender's user id. */
  beforeFrom: '","from":"',
  /** Then the time it was sent (ms since epoch, a JSON number). */
  beforeSentAt: '","data":{"sentAt":',
  /** Then the frame: a JSON object. */
  beforeFrame: ',"frame":',
  /** Closes `data` and the envelope. */
  end: '}}',
} as const;

/** Byte offset of the target's user id. */
export const RELAY_TO_OFFSET = RelayLayout.beforeTo.length;
/** Byte offset of the type. */
export const RELAY_TYPE_OFFSET = RELAY_TO_OFFSET + USER_ID_LENGTH + RelayLayout.beforeType.length;
