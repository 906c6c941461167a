import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isTcpOpen, startProcess, waitUntilReady } from './process';
import { startLocalServer, type LocalServer } from './server';

export interface LocalRedis extends LocalServer {
  /** URL of one logical database, logged in as the admin (`default`) user. */
  url(db?: number): string;
}

/** Users and their rights: an ACL file, and the password of its `default` user. */
export interface LocalRedisAcl {
  file: string;
  adminPassword: string;
}

export interface LocalRedisOptions {
  dir?: string;
  port?: number;
  /** Number of logical databases; the test harness gives each suite its own. */
  databases?: number;
  /** Users with passwords instead of one open `default` user (as in production). */
  acl?: LocalRedisAcl;
}

/** Runs redis-server on 127.0.0.1 without persistence: all QUAL_MEET keeps in Redis is ephemeral. */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'qm-redis-')));
  await mkdir(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const aclFile = join(dir, 'users.acl');
  // Rewritten at every start: a stack's passwords are its own run's.
  if (options.acl) await writeFile(aclFile, options.acl.file, { mode: 0o600 });
  const server = await startLocalServer({
    port,
    dir,
    removeDirOnStop: options.dir === undefined,
    stopSignal: 'SIGTERM',
    async launch() {
      const child = startProcess({
        name: 'redis',
        command: 'redis-server',
        args: [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'no',
          '--dir',
          dir,
          '--databases',
          String(options.databases ?? 16),
          ...(options.acl ? ['--aclfile', aclFile] : []),
        ],
        logFile: join(dir, 'redis.log'),
      });
      await waitUntilReady(child, () => isTcpOpen(port));
      return child;
    },
  });
  const login = options.acl ? `default:${encodeURIComponent(options.acl.adminPassword)}@` : '';
  return Object.assign(server, { url: (db = 0) => `redis://${login}127.0.0.1:${port}/${db}` });
}
