import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isTcpOpen, startProcess, waitUntilReady } from './process';
import { startLocalServer, type LocalServer, type SupervisedServerOptions } from './server';

export interface LocalRedis extends LocalServer {
  /** URL of one logical database. */
  url(db?: number): string;
}

export interface LocalRedisOptions extends SupervisedServerOptions {
  dir?: string;
  port?: number;
  /** Number of logical databases; the test harness gives each suite its own. */
  databases?: number;
}

/** Runs redis-server on 127.0.0.1 without persistence: all QUAL_MEET keeps in Redis is ephemeral. */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'qm-redis-')));
  await mkdir(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const server = await startLocalServer({
    name: 'redis',
    supervision: options.supervision,
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
        ],
        logFile: join(dir, 'redis.log'),
      });
      await waitUntilReady(child, () => isTcpOpen(port));
      return child;
    },
  });
  return Object.assign(server, { url: (db = 0) => `redis://127.0.0.1:${port}/${db}` });
}
