/**
 * `npm start`: the whole platform on this machine, as local processes under `.runtime/`, at
 * http://localhost:8080. Installs missing servers (as root, with apt-get), generates dev secrets
 * once into `.env`, builds every app, starts PostgreSQL, Redis, coturn, the services (two
 * signaling nodes) and nginx, restarts any of them that crashes, and stops all of it on Ctrl-C.
 */
import { join } from 'node:path';
import { hostname, networkInterfaces } from 'node:os';
import {
  describeSupervisorEvent,
  ensureServerPackages,
  isTcpOpen,
  selfSignedCertificate,
  workspaceRoot,
} from '@qual-meet/local-servers';
import {
  buildApps,
  parsePublicHost,
  startPlatform,
  type Platform,
  type PlatformPorts,
} from '@qual-meet/stack';
import { ensureLocalSecrets } from './secrets';

const root = workspaceRoot();
const log = (line: string) => process.stdout.write(`[qual-meet] ${line}\n`);

function port(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0 || value > 65_535)
    throw new Error(`${name} must be a port number`);
  return value;
}

/** Fixed local ports (DESIGN §6), each overridable by an environment variable. */
const ports: PlatformPorts = {
  http: port('QM_HTTP_PORT', 8080),
  postgres: port('QM_POSTGRES_PORT', 55432),
  redis: port('QM_REDIS_PORT', 56379),
  turn: port('QM_TURN_PORT', 3478),
  gateway: port('QM_GATEWAY_PORT', 3000),
  auth: port('QM_AUTH_PORT', 3001),
  rooms: port('QM_ROOMS_PORT', 3002),
  turnCredentials: port('QM_TURN_CREDENTIALS_PORT', 3003),
  signaling: [port('QM_SIGNALING_1_PORT', 3101), port('QM_SIGNALING_2_PORT', 3102)],
};

/**
 * Opt-in HTTPS for phones and other machines on the LAN (`QM_HTTPS=1 npm start`): browsers give
 * camera and microphone only to secure contexts, and only localhost is one over plain HTTP. A
 * self-signed certificate for this machine's names and LAN addresses is made once in
 * `.runtime/tls`; each device has to accept it once.
 */
async function lanHttps() {
  if (!['1', 'true'].includes(process.env.QM_HTTPS ?? '')) return undefined;
  const lanAddresses = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
  const names = [`${hostname()}.local`, hostname(), 'localhost'];
  const certificate = await selfSignedCertificate(join(root, '.runtime', 'tls'), names, [
    '127.0.0.1',
    ...lanAddresses,
  ]);
  return {
    ...certificate,
    port: port('QM_HTTPS_PORT', 8443),
    hostnames: [...names, '127.0.0.1', ...lanAddresses],
    redirectHttp: false,
    listenAddress: '0.0.0.0',
  };
}

/**
 * A real address (`QM_PUBLIC_HOST=<IPv4>`, DESIGN §6): the whole platform served there too, with
 * HTTPS and TURN over TLS on `QM_HTTPS_PORT` and coturn relaying on it, for other machines on a
 * LAN, a single server, or browsers in other network namespaces (docs/NETWORKS.md).
 */
function publicHost(): string | undefined {
  const value = process.env.QM_PUBLIC_HOST;
  return value ? parsePublicHost(value) : undefined;
}

let platform: Platform | undefined;
let stopping = false;
async function stop(exitCode = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await platform?.stop();
  log('stopped');
  process.exit(exitCode);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await ensureServerPackages(
    [
      '/usr/lib/postgresql',
      'redis-server',
      'turnserver',
      'nginx',
      ...(process.env.QM_PUBLIC_HOST ? ['/usr/lib/nginx/modules/ngx_stream_module.so'] : []),
    ],
    log,
  );
  for (const value of Object.values(ports).flat()) {
    if (await isTcpOpen(value))
      throw new Error(`port ${value} is already in use — is another stack running?`);
  }
  const env = ensureLocalSecrets(join(root, '.env'));

  log('building the services and the web app…');
  buildApps();

  const host = publicHost();
  const tls = host ? undefined : await lanHttps();
  platform = await startPlatform({
    ...(tls ? { tls } : {}),
    ...(host ? { publicHost: host } : {}),
    runtimeDir: join(root, '.runtime'),
    ports: host ? { ...ports, https: port('QM_HTTPS_PORT', 8443) } : ports,
    mode: 'bundle',
    local: true,
    logLevel: env.LOG_LEVEL ?? 'info',
    secrets: {
      jwtPrivateKey: env.JWT_PRIVATE_KEY!,
      jwtPublicKey: env.JWT_PUBLIC_KEY!,
      turnSecret: env.TURN_SECRET!,
    },
    log,
    // A part that crashes is restarted (with backoff) while the rest keep serving.
    supervision: { onEvent: (event) => log(describeSupervisorEvent(event)) },
  });
  log(
    `PostgreSQL 127.0.0.1:${ports.postgres} (data in .runtime/postgres) · Redis 127.0.0.1:${ports.redis} · coturn 127.0.0.1:${ports.turn}`,
  );
  for (const s of platform.services.services) log(`${s.spec.name.padEnd(24)} ${s.url}`);
  log(
    'per-IP rate limits are lifted in this local stack (per-user and per-account limits stay on)',
  );
  log('logs in .runtime/logs — a part that crashes is restarted — Ctrl-C stops everything');
  if (tls) {
    log(`HTTPS for other devices on this network (self-signed: accept it once on each device):`);
    for (const name of tls.hostnames.filter((n) => n !== 'localhost' && n !== '127.0.0.1'))
      log(`  https://${name}:${tls.port}`);
  }
  if (host) {
    log(`on ${host}: ${platform.publicUrl} and ${platform.httpsUrl} (self-signed certificate)`);
    log(
      `coturn on ${host}: ${ports.turn} UDP and TCP, TLS ${platform.ports.turnTls} and ${platform.ports.https}`,
    );
  }
  log(`QUAL_MEET is running at http://localhost:${ports.http}`);
}

main().catch(async (error: unknown) => {
  log(`failed to start: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
});
