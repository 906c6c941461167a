import type { Sql, TransactionSql } from '@qual-meet/db';
import type { User } from '@qual-meet/protocol';

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  created_at: Date;
}

export interface StoredUser {
  user: User;
  passwordHash: string;
}

const toStored = (row: UserRow): StoredUser => ({
  user: { id: row.id, email: row.email, createdAt: row.created_at.toISOString() },
  passwordHash: row.password_hash,
});

/** Inserts a user; resolves `undefined` when the email is already registered. */
export async function insertUser(
  sql: Sql | TransactionSql,
  email: string,
  passwordHash: string,
): Promise<User | undefined> {
  const [row] = await sql<UserRow[]>`
    INSERT INTO users (email, password_hash) VALUES (${email}, ${passwordHash})
    ON CONFLICT (email) DO NOTHING
    RETURNING id, email, password_hash, created_at`;
  return row && toStored(row).user;
}

export async function findUserByEmail(sql: Sql, email: string): Promise<StoredUser | undefined> {
  const [row] = await sql<UserRow[]>`
    SELECT id, email, password_hash, created_at FROM users WHERE email = ${email}`;
  return row && toStored(row);
}

export async function findUserById(
  sql: Sql | TransactionSql,
  id: string,
): Promise<User | undefined> {
  const [row] = await sql<UserRow[]>`
    SELECT id, email, password_hash, created_at FROM users WHERE id = ${id}`;
  return row && toStored(row).user;
}

export async function updatePasswordHash(
  sql: Sql,
  id: string,
  passwordHash: string,
): Promise<void> {
  await sql`UPDATE users SET password_hash = ${passwordHash} WHERE id = ${id}`;
}
