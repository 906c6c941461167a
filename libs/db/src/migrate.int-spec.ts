import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@qual-meet/testing';
import { migrate, readMigrations } from './migrate';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-spec-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

it('applies new migrations in order, once, even when two migrators race', async () => {
  const dir = migrationsDir({
    '9001_first.sql': 'CREATE TABLE spec_a (id int);',
    '9002_second.sql': 'ALTER TABLE spec_a ADD COLUMN name text;',
    'README.md': 'not a migration',
  });
  const migrations = await readMigrations(dir);
  expect(migrations.map((m) => m.version)).toEqual(['9001_first', '9002_second']);
  const results = await Promise.all([migrate(db.sql, migrations), migrate(db.sql, migrations)]);
  expect(results.flat().sort()).toEqual(['9001_first', '9002_second']);
  expect(await migrate(db.sql, migrations)).toEqual([]);
  const columns =
    await db.sql`SELECT column_name FROM information_schema.columns WHERE table_name = 'spec_a' ORDER BY ordinal_position`;
  expect(columns.map((c) => c.column_name)).toEqual(['id', 'name']);
});

it('leaves the schema untouched when a migration fails', async () => {
  const migrations = await readMigrations(
    migrationsDir({
      '9101_ok.sql': 'CREATE TABLE spec_b (id int);',
      '9102_bad.sql': 'CREATE TABLE spec_b (id int);',
    }),
  );
  await expect(migrate(db.sql, migrations)).rejects.toThrow(/already exists/);
  const [row] = await db.sql`SELECT to_regclass('spec_b') AS t`;
  expect(row?.t).toBeNull();
});

it('keeps emails lower-case at the database level', async () => {
  await expect(
    db.sql`INSERT INTO users (email, password_hash) VALUES ('Upper@Example.com', 'x')`,
  ).rejects.toThrow(/check/);
});
