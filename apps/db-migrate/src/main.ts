/**
 * Applies the SQL migrations of `libs/db/migrations` to `DATABASE_URL` and exits: `npm run
 * migrate` locally, a one-shot container before the services in compose.
 */
import { z } from 'zod';
import { createSql, migrate, MIGRATIONS_DIR, readMigrations } from '@qual-meet/db';
import { ConfigError, loadConfig, urlVar } from '@qual-meet/server-kit';

const configSchema = z.object({
  DATABASE_URL: urlVar,
  MIGRATIONS_DIR: z.string().default(MIGRATIONS_DIR),
});

try {
  const config = loadConfig(configSchema, process.env);
  const sql = createSql(config.DATABASE_URL, { max: 1, connectTimeoutSeconds: 10 });
  try {
    const applied = await migrate(sql, await readMigrations(config.MIGRATIONS_DIR));
    process.stdout.write(
      applied.length ? `applied ${applied.join(', ')}\n` : 'schema is up to date\n',
    );
  } finally {
    await sql.end();
  }
} catch (error) {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `migration failed: ${(error as Error).message}`}\n`,
  );
  process.exitCode = 1;
}
