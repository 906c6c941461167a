import {
  freePort,
  startLocalCoturn,
  startLocalPostgres,
  startLocalRedis,
} from '@qual-meet/local-servers';
import {
  redisAclFile,
  redisUrlAs,
  type RedisCredentials,
  type RedisServiceUser,
} from '@qual-meet/redis';
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
  /** A database's URL as `role` (by default the superuser); trust auth on loopback. */
  url(database?: string, role?: string): string;
}

export interface TestRedis extends TestServer {
  /** A logical database's URL as the admin (`default`) user: for arranging and asserting. */
  url(db?: number): string;
  /** The same database as a service's own ACL user: what the service under test connects with. */
  urlFor(service: RedisServiceUser, db?: number): string;
}

export interface TestCoturn extends TestServer {
  realm: string;
  secret: string;
}

/** Logical Redis databases, so that each suite can have its own. */
export const REDIS_DATABASES = 128;
const COTURN_REALM = 'qual-meet.test';
const CONTAINER_ACL_FILE = '/etc/redis/users.acl';

/**
 * The Testcontainers path. Containers use host networking on a port chosen here, so addresses
 * stay the same across halt/resume exactly as with local processes.
 */
async function startContainer(
  image: string,
  command: string[],
  env: Record<string, string>,
  readyLog: RegExp,
  files: { content: string; target: string }[] = [],
): Promise<Pick<TestServer, 'halt' | 'resume' | 'stop'>> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(image)
    .withNetworkMode('host')
    .withEnvironment(env)
    .withCopyContentToContainer(files)
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
    url: (database = 'postgres', role = 'postgres') =>
      `postgres://${role}@127.0.0.1:${port}/${database}`,
    ...handle,
  };
}

/**
 * Redis with the ACL users of production (libs/redis `REDIS_GRANTS`), so every suite's services
 * run with exactly the rights they will have deployed.
 */
export async function startRedis(
  runtime: ServerRuntime,
  credentials: RedisCredentials,
): Promise<TestRedis> {
  const acl = { file: redisAclFile(credentials), adminPassword: credentials.admin };
  const urlFor =
    (port: number) =>
    (service: RedisServiceUser, db = 0) =>
      redisUrlAs({ host: '127.0.0.1', port, db }, service, credentials.services[service]);
  if (runtime === 'local') {
    const local = await startLocalRedis({ databases: REDIS_DATABASES, acl });
    return Object.assign(local, { urlFor: urlFor(local.port) });
  }
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
      '--aclfile',
      CONTAINER_ACL_FILE,
    ],
    {},
    /Ready to accept connections/,
    [{ content: acl.file, target: CONTAINER_ACL_FILE }],
  );
  return {
    host: '127.0.0.1',
    port,
    url: (db = 0) => redisUrlAs({ host: '127.0.0.1', port, db }, 'default', credentials.admin),
    urlFor: urlFor(port),
    ...handle,
  };
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
