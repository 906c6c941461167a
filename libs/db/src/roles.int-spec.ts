import { createTestDatabase, type TestDatabase } from '@qual-meet/testing';
import { createSql, type Sql } from './client';
import { DatabaseRoles } from './roles';

// Suites' databases carry the production roles and grants: what a service's role can and cannot
// do here is what a compromised service could do in production.
let db: TestDatabase;
let rooms: Sql;
let auth: Sql;
let userId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  rooms = createSql(db.urlFor('room-service'), { max: 1 });
  auth = createSql(db.urlFor('auth-service'), { max: 1 });
  const [row] = await db.sql<{ id: string }[]>`
    INSERT INTO users (email, password_hash) VALUES ('owner@example.com', 'hash') RETURNING id`;
  userId = row!.id;
});

afterAll(async () => {
  await Promise.all([rooms.end(), auth.end()]);
  await db.drop();
});

const DENIED = /permission denied/;

describe('room-service’s role', () => {
  it('cannot read password hashes, nor any other column of users', async () => {
    await expect(rooms`SELECT password_hash FROM users`).rejects.toThrow(DENIED);
    await expect(rooms`SELECT email FROM users`).rejects.toThrow(DENIED);
    await expect(rooms`UPDATE users SET password_hash = 'x'`).rejects.toThrow(DENIED);
    await expect(rooms`SELECT token_hash FROM refresh_tokens`).rejects.toThrow(DENIED);
  });

  it('creates, reads and ends meetings (the host is checked by the foreign key)', async () => {
    const [meeting] = await rooms<{ id: string }[]>`
      INSERT INTO meetings (host_id) VALUES (${userId}) RETURNING id`;
    await rooms`UPDATE meetings SET is_active = false WHERE id = ${meeting!.id}`;
    expect(await rooms`SELECT id FROM meetings WHERE id = ${meeting!.id}`).toHaveLength(1);
    await expect(rooms`DELETE FROM meetings`).rejects.toThrow(DENIED);
  });
});

describe('auth-service’s role', () => {
  it('reads accounts and tokens, but not meetings', async () => {
    expect(await auth`SELECT password_hash FROM users WHERE id = ${userId}`).toHaveLength(1);
    expect(await auth`SELECT id FROM refresh_tokens`).toEqual([]);
    await expect(auth`SELECT id FROM meetings`).rejects.toThrow(DENIED);
  });
});

describe('service roles', () => {
  it('cannot change the schema', async () => {
    await expect(auth`CREATE TABLE evil (id int)`).rejects.toThrow(DENIED);
    await expect(rooms`DROP TABLE meetings`).rejects.toThrow(/must be owner/);
  });

  it('are granted every table by some migration (a new table needs its GRANT)', async () => {
    const tables = await db.sql<{ name: string; owner: string; granted: boolean }[]>`
      SELECT tablename AS name, tableowner AS owner,
        has_table_privilege(${DatabaseRoles['auth-service']}, format('%I', tablename), 'SELECT')
        OR has_table_privilege(${DatabaseRoles['room-service']}, format('%I', tablename), 'SELECT')
        AS granted
      FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`;
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables)
      expect(table).toEqual({ name: table.name, owner: DatabaseRoles.owner, granted: true });
  });
});
