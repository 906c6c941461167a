import { chown, mkdir, mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, waitUntilReady } from './process';
import { startLocalServer, type LocalServer } from './server';
import { postgresBinDir, run, userIds } from './system';

export interface LocalPostgres extends LocalServer {
  /**
   * Connection URL of a database on this server, as `role` (by default the superuser
   * `postgres`). Trust auth on loopback: any role logs in without a password.
   */
  url(database?: string, role?: string): string;
}

export interface LocalPostgresOptions {
  /** Keep data here across runs; by default a temp folder, removed on stop. */
  dir?: string;
  port?: number;
}

/**
 * Runs PostgreSQL from Debian's packages as a local process on 127.0.0.1, TCP only, durability
 * off (a test and dev server). PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` system user.
 */
export async function startLocalPostgres(
  options: LocalPostgresOptions = {},
): Promise<LocalPostgres> {
  const bin = postgresBinDir();
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'qm-postgres-')));
  const dataDir = join(dir, 'data');
  const port = options.port ?? (await freePort());
  const owner = process.getuid?.() === 0 ? await userIds('postgres') : undefined;
  await mkdir(dir, { recursive: true });
  if (owner) await chown(dir, owner.uid, owner.gid);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await run(
      join(bin, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
        '--no-sync',
      ],
      { uid: owner?.uid, gid: owner?.gid },
    );
  }
  const server = await startLocalServer({
    port,
    dir,
    removeDirOnStop: options.dir === undefined,
    stopSignal: 'SIGINT',
    async launch() {
      const child = startProcess({
        name: 'postgres',
        command: join(bin, 'postgres'),
        args: [
          '-D',
          dataDir,
          '-p',
          String(port),
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'unix_socket_directories=',
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
          '-c',
          'max_connections=300',
        ],
        logFile: join(dir, 'postgres.log'),
        uid: owner?.uid,
        gid: owner?.gid,
      });
      await waitUntilReady(child, async () => {
        await run(join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
        return true;
      });
      return child;
    },
  });
  return Object.assign(server, {
    url: (database = 'postgres', role = 'postgres') =>
      `postgres://${role}@127.0.0.1:${port}/${database}`,
  });
}
