import type { Sql, TransactionSql } from '@qual-meet/db';
import type { Room } from '@qual-meet/protocol';

interface MeetingRow {
  id: string;
  host_id: string;
  is_active: boolean;
  max_participants: number;
  created_at: Date;
}

type Queryable = Sql | TransactionSql;

/** A `meetings` row as the API's room. */
export const toRoom = (row: MeetingRow): Room => ({
  id: row.id,
  hostId: row.host_id,
  isActive: row.is_active,
  maxParticipants: row.max_participants,
  createdAt: row.created_at.toISOString(),
});

/** True when a write failed because the referenced user row does not exist (SQLSTATE 23503). */
export const isForeignKeyViolation = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === '23503';

export async function insertMeeting(
  sql: Queryable,
  hostId: string,
  maxParticipants: number,
): Promise<Room> {
  const [row] = await sql<MeetingRow[]>`
    INSERT INTO meetings (host_id, max_participants) VALUES (${hostId}, ${maxParticipants})
    RETURNING id, host_id, is_active, max_participants, created_at`;
  if (!row) throw new Error('INSERT … RETURNING returned no row');
  return toRoom(row);
}

export async function findMeeting(sql: Queryable, id: string): Promise<Room | undefined> {
  const [row] = await sql<MeetingRow[]>`
    SELECT id, host_id, is_active, max_participants, created_at FROM meetings WHERE id = ${id}`;
  return row && toRoom(row);
}

/**
 * Ends the meeting if it is active and hosted by `hostId`, resolving the ended room; `undefined`
 * when nothing changed (unknown, someone else's, or already ended). The row lock it takes makes
 * concurrent ends wait, so exactly one of them sees the transition.
 */
export async function endActiveMeeting(
  tx: TransactionSql,
  id: string,
  hostId: string,
): Promise<Room | undefined> {
  const [row] = await tx<MeetingRow[]>`
    UPDATE meetings SET is_active = false
    WHERE id = ${id} AND host_id = ${hostId} AND is_active
    RETURNING id, host_id, is_active, max_participants, created_at`;
  return row && toRoom(row);
}

/** A host's meetings, newest first. */
export async function listMeetingsHostedBy(
  sql: Queryable,
  hostId: string,
  limit: number,
): Promise<Room[]> {
  const rows = await sql<MeetingRow[]>`
    SELECT id, host_id, is_active, max_participants, created_at FROM meetings
    WHERE host_id = ${hostId}
    ORDER BY created_at DESC, id DESC
    LIMIT ${limit}`;
  return rows.map(toRoom);
}
