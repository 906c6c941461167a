import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sql } from './client';

export interface Migration {
  version: string;
  sql: string;
}

/** Where the schema's migrations live, relative to the workspace root (and to `/app` in images). */
export const MIGRATIONS_DIR = 'libs/db/migrations';

const MIGRATION_FILE = /^(\d{4})_[a-z0-9_]+\.sql$/;
/** Serialises concurrent migrators (two services starting at once, say). */
const MIGRATION_LOCK_ID = 7_301_977;

/** Reads `NNNN_name.sql` files from `dir`, in version order. */
export async function readMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => MIGRATION_FILE.test(f)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: file.slice(0, -4),
      sql: await readFile(join(dir, file), 'utf8'),
    })),
  );
}

/**
 * Applies the migrations not yet recorded in `schema_migrations`, all in one transaction (a failed
 * one leaves the schema as it was) under an advisory lock. Returns the versions applied now.
 */
export async function migrate(sql: Sql, migrations: readonly Migration[]): Promise<string[]> {
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`;
    const done = new Set(
      (await tx<{ version: string }[]>`SELECT version FROM schema_migrations`).map(
        (r) => r.version,
      ),
    );
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await tx.unsafe(migration.sql);
      await tx`INSERT INTO schema_migrations (version) VALUES (${migration.version})`;
      applied.push(migration.version);
    }
  });
  return applied;
}
