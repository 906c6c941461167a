import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createOwnedDatabase,
  createSql,
  DatabaseRoles,
  ensureDatabaseRoles,
  migrate,
  MIGRATIONS_DIR,
  readMigrations,
  type DatabaseService,
} from '@qual-meet/db';
import { generateRedisCredentials, redisAclFile, redisUrlAs } from '@qual-meet/redis';
import {
  freePort,
  startLocalCoturn,
  startLocalNginx,
  startLocalPostgres,
  startLocalRedis,
  workspaceRoot,
  type LocalCoturn,
  type LocalPostgres,
  type LocalRedis,
  type LocalServer,
} from '@qual-meet/local-servers';
import { runServices, type RunningServices, type ServiceMode } from './run-services';
import { serviceSpecs, type StackBackends, type StackSecrets } from './services';

export interface PlatformPorts {
  http: number;
  postgres: number;
  redis: number;
  turn: number;
  gateway: number;
  auth: number;
  rooms: number;
  turnCredentials: number;
  signaling: number[];
  /** The HTTPS port, when TLS is on. */
  https?: number;
}

export interface PlatformTls {
  certificate: string;
  certificateKey: string;
  /** HTTPS port; free by default. */
  port?: number;
  /** Names the certificate is for; each becomes an allowed origin `https://<name>:<port>`. */
  hostnames: string[];
  /** Plain HTTP only redirects to HTTPS (as in production) instead of serving the app too. */
  redirectHttp: boolean;
  /** Address of the HTTPS listener (default loopback; `0.0.0.0` to be reachable from the LAN). */
  listenAddress?: string;
}

export interface PlatformOptions {
  secrets: StackSecrets;
  /** Keep data and logs here (the local stack); by default a temp folder. */
  runtimeDir?: string;
  /** Fixed ports; any left out are chosen free. */
  ports?: Partial<PlatformPorts>;
  signalingNodes?: number;
  mode: ServiceMode;
  /** Plain-HTTP local use: no Secure cookies, per-IP limits lifted. */
  local: boolean;
  /** Serve HTTPS (and wss) too, with this certificate. */
  tls?: PlatformTls;
  /** The built SPA nginx serves; by default `dist/apps/frontend`. */
  spaRoot?: string;
  logLevel?: string;
  /** Extra environment per service name (e.g. shorter timeouts in tests). */
  envByService?: Record<string, Record<string, string>>;
  onUnexpectedExit?: (name: string, logTail: string) => void;
  log?: (line: string) => void;
}

export interface Platform {
  /** The public origin, e.g. http://127.0.0.1:8080. */
  url: string;
  /** The HTTPS origin when TLS is on, e.g. https://localhost:8443. */
  httpsUrl?: string;
  /** Every origin the app is served from (signaling accepts only these). */
  origins: string[];
  ports: PlatformPorts;
  postgres: LocalPostgres;
  redis: LocalRedis;
  coturn: LocalCoturn;
  services: RunningServices;
  runtimeDir: string;
  stop(): Promise<void>;
}

const DATABASE = 'qualmeet';

async function resolvePorts(
  given: Partial<PlatformPorts>,
  signalingNodes: number,
): Promise<PlatformPorts> {
  const pick = async (value: number | undefined) => value ?? (await freePort());
  return {
    http: await pick(given.http),
    postgres: await pick(given.postgres),
    redis: await pick(given.redis),
    turn: await pick(given.turn),
    gateway: await pick(given.gateway),
    auth: await pick(given.auth),
    rooms: await pick(given.rooms),
    turnCredentials: await pick(given.turnCredentials),
    signaling:
      given.signaling ??
      (await Promise.all(Array.from({ length: signalingNodes }, () => freePort()))),
  };
}

/**
 * The service roles, the database (owned by the owner role) and its migrations, applied as the
 * owner. A database of an older `.runtime/`, made by the superuser, is handed to the owner once.
 * Returns each service's URL.
 */
async function prepareDatabase(
  postgres: LocalPostgres,
  log: (line: string) => void,
): Promise<(service: DatabaseService) => string> {
  const admin = createSql(postgres.url(), { max: 1 });
  try {
    await ensureDatabaseRoles(admin);
    const [db] = await admin<{ owner: string }[]>`
      SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = ${DATABASE}`;
    if (!db) await createOwnedDatabase(admin, DATABASE);
    else if (db.owner !== DatabaseRoles.owner) await handToOwner(postgres);
  } finally {
    await admin.end();
  }
  const sql = createSql(postgres.url(DATABASE, DatabaseRoles.owner), { max: 1 });
  try {
    const applied = await migrate(sql, await readMigrations(join(workspaceRoot(), MIGRATIONS_DIR)));
    log(
      applied.length
        ? `migrations applied: ${applied.join(', ')}`
        : 'database schema is up to date',
    );
  } finally {
    await sql.end();
  }
  return (service) => postgres.url(DATABASE, DatabaseRoles[service]);
}

/** Gives a database the superuser made (before service roles existed) to the owner role. */
async function handToOwner(postgres: LocalPostgres): Promise<void> {
  const sql = createSql(postgres.url(DATABASE), { max: 1 });
  try {
    await sql.unsafe(`ALTER DATABASE ${DATABASE} OWNER TO ${DatabaseRoles.owner}`);
    const tables = await sql<{ name: string }[]>`
      SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`;
    for (const { name } of tables)
      await sql.unsafe(`ALTER TABLE public.${name} OWNER TO ${DatabaseRoles.owner}`);
  } finally {
    await sql.end();
  }
}

/**
 * The platform's folder: the given one, created if it does not exist yet (a fresh clone has no
 * `.runtime/`), or a new temp folder. PostgreSQL runs as its own system user and must be able to
 * reach its folder inside, hence 0755.
 */
export function prepareRuntimeDir(dir?: string): string {
  const runtimeDir = dir ?? mkdtempSync(join(tmpdir(), 'qm-platform-'));
  mkdirSync(runtimeDir, { recursive: true });
  chmodSync(runtimeDir, 0o755);
  return runtimeDir;
}

/** The value of a settled promise, or its failure thrown. */
function valueOf<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/**
 * The whole platform as local processes: PostgreSQL, Redis, coturn, every service (signaling on
 * several nodes) and nginx in front, at one origin. `npm start` runs it with fixed ports and a
 * persistent `.runtime/`; the browser tests run it on free ports in a temp folder. Services must
 * be built first in `bundle` mode (`nx run-many -t build`).
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const log = options.log ?? (() => undefined);
  const runtimeDir = prepareRuntimeDir(options.runtimeDir);
  const logDir = join(runtimeDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const ports = await resolvePorts(options.ports ?? {}, options.signalingNodes ?? 2);
  const started: LocalServer[] = [];
  let services: RunningServices | undefined;
  const stop = async () => {
    await services?.stop();
    for (const server of started.reverse())
      await (options.runtimeDir ? server.halt() : server.stop());
    // A temp runtime (tests, benchmarks) leaves nothing behind; the local stack keeps its data.
    if (!options.runtimeDir) rmSync(runtimeDir, { recursive: true, force: true });
  };
  try {
    // Fresh passwords every start: Redis keeps no users across runs (its ACL file is rewritten).
    const redisCredentials = generateRedisCredentials();
    // The backing servers start together; those that came up are stopped if another did not.
    const backing = await Promise.allSettled([
      startLocalPostgres({ dir: join(runtimeDir, 'postgres'), port: ports.postgres }),
      startLocalRedis({
        dir: join(runtimeDir, 'redis'),
        port: ports.redis,
        acl: { file: redisAclFile(redisCredentials), adminPassword: redisCredentials.admin },
      }),
      startLocalCoturn({
        dir: join(runtimeDir, 'coturn'),
        port: ports.turn,
        secret: options.secrets.turnSecret,
      }),
    ]);
    for (const result of backing) if (result.status === 'fulfilled') started.push(result.value);
    const [postgres, redis, coturn] = [
      valueOf(backing[0]),
      valueOf(backing[1]),
      valueOf(backing[2]),
    ] as const;
    const databaseUrl = await prepareDatabase(postgres, log);
    const redisUrl: StackBackends['redisUrl'] = (service) =>
      redisUrlAs(redis, service, redisCredentials.services[service]);
    const tlsPort = options.tls ? (options.tls.port ?? (await freePort())) : undefined;
    ports.https = tlsPort;
    const origins = [
      ...(options.tls?.redirectHttp
        ? []
        : [`http://127.0.0.1:${ports.http}`, `http://localhost:${ports.http}`]),
      ...(options.tls?.hostnames.map((name) => `https://${name}:${tlsPort}`) ?? []),
    ];
    services = await runServices({
      mode: options.mode,
      logDir,
      specs: serviceSpecs({
        ports: {
          gateway: ports.gateway,
          auth: ports.auth,
          rooms: ports.rooms,
          turn: ports.turnCredentials,
          signaling: ports.signaling,
        },
        secrets: options.secrets,
        backends: {
          databaseUrl,
          redisUrl,
          turn: { host: '127.0.0.1', port: ports.turn },
        },
        env: { LOG_LEVEL: options.logLevel ?? 'info' },
        envByService: options.envByService,
        local: options.local,
        publicOrigins: origins,
      }),
      onUnexpectedExit: (service, tail) => options.onUnexpectedExit?.(service.spec.name, tail),
    });
    const nginx = await startLocalNginx({
      dir: join(runtimeDir, 'nginx'),
      port: ports.http,
      spaRoot: options.spaRoot ?? join(workspaceRoot(), 'dist/apps/frontend'),
      gateways: [`127.0.0.1:${ports.gateway}`],
      signalingNodes: ports.signaling.map((p) => `127.0.0.1:${p}`),
      ...(options.tls && tlsPort
        ? {
            tls: {
              port: tlsPort,
              certificate: options.tls.certificate,
              certificateKey: options.tls.certificateKey,
              redirectHttp: options.tls.redirectHttp,
              listenAddress: options.tls.listenAddress,
            },
          }
        : {}),
    });
    started.push(nginx);
    return {
      url: `http://127.0.0.1:${ports.http}`,
      ...(options.tls
        ? { httpsUrl: `https://${options.tls.hostnames[0] ?? 'localhost'}:${tlsPort}` }
        : {}),
      origins,
      ports,
      postgres,
      redis,
      coturn,
      services,
      runtimeDir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
