import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, waitUntilReady } from './process';
import { startLocalServer, type LocalServer } from './server';
import { run } from './system';

export interface CoturnSettings {
  listeningIp: string;
  relayIp?: string;
  externalIp?: string;
  port: number;
  minRelayPort: number;
  maxRelayPort: number;
  realm: string;
  /**
   * The shared secret of coturn's REST API (`use-auth-secret`). Left out of the file when absent:
   * production appends it from a Docker secret when the container starts (docker/compose.yaml),
   * never in a committed file nor on a command line.
   */
  secret?: string;
  /**
   * Lets the relay reach loopback peers. Only for tests and the local stack, where every browser
   * is on this machine; production denies loopback and private ranges (SSRF).
   */
  allowLoopbackPeers: boolean;
  /** TURN over TLS (`turns:`), with the same certificate as the web edge. */
  tls?: { port: number; certificate: string; certificateKey: string };
  /** Extra raw lines (production adds `denied-peer-ip`, quotas). */
  extraLines?: string[];
  /** Folder of the user database and pid file. */
  dir: string;
}

/** A turnserver.conf for the given settings; one source for tests, the local stack and docker. */
export function coturnConfig(s: CoturnSettings): string {
  const lines = [
    `listening-ip=${s.listeningIp}`,
    `listening-port=${s.port}`,
    ...(s.relayIp ? [`relay-ip=${s.relayIp}`] : []),
    ...(s.externalIp ? [`external-ip=${s.externalIp}`] : []),
    `min-port=${s.minRelayPort}`,
    `max-port=${s.maxRelayPort}`,
    'use-auth-secret',
    ...(s.secret ? [`static-auth-secret=${s.secret}`] : []),
    `realm=${s.realm}`,
    'fingerprint',
    'no-cli',
    ...(s.tls
      ? [
          `tls-listening-port=${s.tls.port}`,
          `cert=${s.tls.certificate}`,
          `pkey=${s.tls.certificateKey}`,
          'no-tlsv1',
          'no-tlsv1_1',
          'no-dtls',
        ]
      : ['no-tls', 'no-dtls']),
    'no-multicast-peers',
    ...(s.allowLoopbackPeers ? ['allow-loopback-peers'] : []),
    'log-file=stdout',
    'simple-log',
    `userdb=${join(s.dir, 'turndb')}`,
    `pidfile=${join(s.dir, 'turnserver.pid')}`,
    ...(s.extraLines ?? []),
  ];
  return `${lines.join('\n')}\n`;
}

export interface LocalCoturn extends LocalServer {
  realm: string;
  secret: string;
}

export interface LocalCoturnOptions {
  secret: string;
  realm?: string;
  dir?: string;
  port?: number;
}

async function isUdpListening(port: number): Promise<boolean> {
  const { stdout } = await run('ss', ['-Hlun', `sport = :${port}`]);
  return stdout.trim().length > 0;
}

/** Runs coturn on 127.0.0.1 with REST-API credentials and loopback relaying (tests, local stack). */
export async function startLocalCoturn(options: LocalCoturnOptions): Promise<LocalCoturn> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'qm-coturn-')));
  await mkdir(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const minRelayPort = 49_152 + Math.floor(Math.random() * 100) * 100;
  const realm = options.realm ?? 'qual-meet.local';
  const configFile = join(dir, 'turnserver.conf');
  await writeFile(
    configFile,
    coturnConfig({
      listeningIp: '127.0.0.1',
      relayIp: '127.0.0.1',
      port,
      minRelayPort,
      maxRelayPort: minRelayPort + 99,
      realm,
      secret: options.secret,
      allowLoopbackPeers: true,
      dir,
    }),
    { mode: 0o600 },
  );
  const server = await startLocalServer({
    port,
    dir,
    removeDirOnStop: options.dir === undefined,
    stopSignal: 'SIGTERM',
    async launch() {
      const child = startProcess({
        name: 'coturn',
        command: 'turnserver',
        args: ['-c', configFile],
        logFile: join(dir, 'coturn.log'),
      });
      await waitUntilReady(child, () => isUdpListening(port));
      return child;
    },
  });
  return Object.assign(server, { realm, secret: options.secret });
}
