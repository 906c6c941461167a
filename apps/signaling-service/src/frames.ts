import {
  clientMessageSchema,
  SignalingErrorCode,
  type ClientMessage,
  type ServerMessage,
} from '@qual-meet/protocol';

/** A client frame: a valid message, or why it is not one. */
export type ParsedFrame = { ok: true; message: ClientMessage } | { ok: false; reason: string };

/**
 * Decodes a text frame with the protocol's schema. Never throws: whatever arrives on a socket,
 * the worst outcome is a reason to answer `invalid_message` with.
 */
export function parseClientFrame(text: string | undefined): ParsedFrame {
  if (text === undefined)
    return { ok: false, reason: 'binary frames are not part of the protocol' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  return { ok: false, reason: `${where}${issue?.message ?? 'invalid'}`.slice(0, 200) };
}

/** What each error code tells a person, unless a more precise message is given. */
const ERROR_MESSAGES: Record<SignalingErrorCode, string> = {
  invalid_message: 'This frame is not a valid signaling message',
  room_not_found: 'No meeting has this id',
  room_inactive: 'This meeting has ended',
  room_full: 'This meeting is full',
  not_in_room: 'Join a room first',
  peer_not_found: 'That participant is not in your room',
  rate_limited: 'Too many messages: slow down',
  unauthorized: 'A valid access token is required: log in again',
  room_locked: 'This meeting is locked',
  removed: 'The host removed you from this meeting',
  not_host: 'Only the host can do that',
  unsupported_version: 'This app is out of date: reload the page',
};

/** An `error` frame. */
export function errorFrame(code: SignalingErrorCode, message?: string): ServerMessage {
  return { type: 'error', code, message: message ?? ERROR_MESSAGES[code] };
}

/** Every error code, for metrics. */
export const ALL_ERROR_CODES = Object.values(SignalingErrorCode);
