import { roomIdSchema } from '@qual-meet/protocol';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The path of a meeting inside the app. */
export function roomPath(roomId: string): string {
  return `/room/${roomId}`;
}

/** The link people share to invite someone. */
export function inviteLink(origin: string, roomId: string): string {
  return `${origin}${roomPath(roomId)}`;
}

/**
 * The meeting id in what someone pasted: a bare id or any link containing `/room/<id>` (also
 * with text around it, as chat apps paste it). Null when there is no single valid id in it.
 */
export function parseRoomInput(input: string): string | null {
  const fromPath = /\/room\/([^/?#\s]+)/i.exec(input)?.[1];
  const candidates = fromPath ? [fromPath] : (input.match(UUID) ?? []);
  const unique = [...new Set(candidates.map((c) => c.toLowerCase()))];
  if (unique.length !== 1) return null;
  const parsed = roomIdSchema.safeParse(unique[0]);
  return parsed.success ? parsed.data : null;
}
