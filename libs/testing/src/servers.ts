import {
  freePort,
  startLocalCoturn,
  startLocalPostgres,
  startLocalRedis,
} from '@qual-meet/local-servers';
import type { ServerRuntime } from './runtime';

/** A server started for tests; `halt`/`resume` simulate an outage and its recovery. */
export interface TestServer {
  host: string;
  port: number;
  halt(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestPostgres extends TestServer {
  url(database?: string): string;
}

export interface TestRedis extends TestServer {
  url(db?: number): string;
}

export interface TestCoturn extends TestServer {
  realm: string;
  secret: string;
}

/** Logical Redis databases, so that each suite can have its own. */
export const REDIS_DATABASES = 128;
const COTURN_REALM = 'qual-meet.test';

/**
 * The Testcontainers path. Containers use host networking on a port chosen here, so addresses
 * stay the same across halt/resume exactly as with local processes.
 */
async function startContainer(
  image: string,
  command: string[],
  env: Record<string, string>,
  readyLog: RegExp,
): Promise<Pick<TestServer, 'halt' | 'resume' | 'stop'>> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(image)
    .withNetworkMode('host')
    .withEnvironment(env)
    .withCommand(command)
    .withWaitStrategy(Wait.forLogMessage(readyLog))
    .start();
  return {
    halt: async () => {
      await container.stop({ remove: false });
    },
    resume: () => container.restart(),
    stop: async () => {
      await container.stop();
    },
  };
}

export async function startPostgres(runtime: ServerRuntime): Promise<TestPostgres> {
  if (runtime === 'local') return startLocalPostgres();
  const port = await freePort();
  const handle = await startContainer(
    'postgres:15-alpine',
    ['postgres', '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    { POSTGRES_HOST_AUTH_METHOD: 'trust' },
    /listening on IPv4 address "127\.0\.0\.1"/,
  );
  return {
    host: '127.0.0.1',
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    ...handle,
  };
}

export async function startRedis(runtime: ServerRuntime): Promise<TestRedis> {
  if (runtime === 'local') return startLocalRedis({ databases: REDIS_DATABASES });
  const port = await freePort();
  const handle = await startContainer(
    'redis:7-alpine',
    [
      'redis-server',
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--databases',
      String(REDIS_DATABASES),
    ],
    {},
    /Ready to accept connections/,
  );
  return { host: '127.0.0.1', port, url: (db = 0) => `redis://127.0.0.1:${port}/${db}`, ...handle };
}

export async function startCoturn(runtime: ServerRuntime, secret: string): Promise<TestCoturn> {
  if (runtime === 'local') return startLocalCoturn({ secret, realm: COTURN_REALM });
  const port = await freePort();
  const handle = await startContainer(
    'coturn/coturn:4.6',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--use-auth-secret',
      `--static-auth-secret=${secret}`,
      `--realm=${COTURN_REALM}`,
      '--allow-loopback-peers',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--log-file=stdout',
    ],
    {},
    /Total (General|UDP) servers/,
  );
  return { host: '127.0.0.1', port, realm: COTURN_REALM, secret, ...handle };
}
