import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate, type Certificate } from './certificates';
import { LAB_RANGE, ipv4InRange } from './addresses';
import { freePort, startProcess, waitUntilReady } from './process';
import { startLocalServer, type LocalServer, type SupervisedServerOptions } from './server';
import { run } from './system';

export interface CoturnSettings {
  /** Addresses coturn listens on (each gets the plain and the TLS port). */
  listeningIps: string[];
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
  /** Peer ranges (`a.b.c.d-e.f.g.h` or one address) the relay must never reach. */
  deniedPeers?: readonly string[];
  /** Exceptions to `deniedPeers` (coturn checks these first). */
  allowedPeers?: readonly string[];
  /** Extra raw lines (production adds quotas). */
  extraLines?: string[];
  /** Folder of the user database and pid file. */
  dir: string;
}

/** A turnserver.conf for the given settings; one source for tests, the local stack and docker. */
export function coturnConfig(s: CoturnSettings): string {
  const lines = [
    ...s.listeningIps.map((ip) => `listening-ip=${ip}`),
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
    ...(s.deniedPeers ?? []).map((range) => `denied-peer-ip=${range}`),
    ...(s.allowedPeers ?? []).map((range) => `allowed-peer-ip=${range}`),
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
  /** Port of TURN over TLS (`turns:`), on every listening address. */
  tlsPort: number;
  /** The address it relays on and browsers reach it at. */
  publicHost: string;
}

export interface LocalCoturnOptions extends SupervisedServerOptions {
  secret: string;
  realm?: string;
  dir?: string;
  port?: number;
  /** TURN over TLS port; 5349 on a public host, any free one otherwise. */
  tlsPort?: number;
  /** The TLS certificate; by default a self-signed one made in `dir`. */
  certificate?: Certificate;
  /**
   * A real address (DESIGN §6) to listen and relay on besides loopback. Relayed addresses are
   * then on it, so browsers in other network namespaces or on the LAN can use them.
   */
  publicHost?: string;
}

async function isListening(protocol: 'udp' | 'tcp', port: number): Promise<boolean> {
  const { stdout } = await run('ss', [protocol === 'udp' ? '-Hlun' : '-Hltn', `sport = :${port}`]);
  return stdout.trim().length > 0;
}

/**
 * Who the local relay may reach. On loopback only, everything (it is alone on this machine). On a
 * public host, the production deny list, except loopback and the host's own network lab range: the
 * lab's browsers reach each other only through it, as people on one LAN would.
 */
function localPeerPolicy(
  publicHost: string | undefined,
): Pick<CoturnSettings, 'deniedPeers' | 'allowedPeers'> {
  if (!publicHost || !ipv4InRange(publicHost, LAB_RANGE)) return {};
  return { deniedPeers: DENIED_PEER_RANGES, allowedPeers: [LAB_RANGE.coturn] };
}

/**
 * Runs coturn with REST-API credentials, TURN over UDP, TCP and TLS, on 127.0.0.1 (and on
 * `publicHost` when given), relaying to loopback peers (tests, local stack).
 */
export async function startLocalCoturn(options: LocalCoturnOptions): Promise<LocalCoturn> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'qm-coturn-')));
  await mkdir(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const tlsPort = options.tlsPort ?? (options.publicHost ? 5349 : await freePort());
  const certificate =
    options.certificate ??
    (await selfSignedCertificate(
      join(dir, 'tls'),
      ['localhost'],
      ['127.0.0.1', ...(options.publicHost ? [options.publicHost] : [])],
    ));
  const minRelayPort = 49_152 + Math.floor(Math.random() * 100) * 100;
  const realm = options.realm ?? 'qual-meet.local';
  const configFile = join(dir, 'turnserver.conf');
  const publicHost = options.publicHost ?? '127.0.0.1';
  await writeFile(
    configFile,
    coturnConfig({
      listeningIps: [...new Set(['127.0.0.1', publicHost])],
      relayIp: publicHost,
      port,
      minRelayPort,
      maxRelayPort: minRelayPort + 99,
      realm,
      secret: options.secret,
      allowLoopbackPeers: true,
      tls: { port: tlsPort, ...certificate },
      ...localPeerPolicy(options.publicHost),
      dir,
    }),
    { mode: 0o600 },
  );
  const server = await startLocalServer({
    name: 'coturn',
    supervision: options.supervision,
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
      await waitUntilReady(
        child,
        async () => (await isListening('udp', port)) && (await isListening('tcp', tlsPort)),
      );
      return child;
    },
  });
  return Object.assign(server, { realm, secret: options.secret, tlsPort, publicHost });
}

/**
 * Peer addresses the production relay must never reach: unspecified, private, loopback,
 * link-local, CGNAT, multicast, documentation, NAT64 and other special-purpose ranges (IPv4 and
 * IPv6). Without this a TURN client could use the relay to reach the servers next to it (SSRF).
 */
export const DENIED_PEER_RANGES: readonly string[] = [
  '0.0.0.0-0.255.255.255',
  '10.0.0.0-10.255.255.255',
  '100.64.0.0-100.127.255.255',
  '127.0.0.0-127.255.255.255',
  '169.254.0.0-169.254.255.255',
  '172.16.0.0-172.31.255.255',
  '192.0.0.0-192.0.0.255',
  '192.0.2.0-192.0.2.255',
  '192.88.99.0-192.88.99.255',
  '192.168.0.0-192.168.255.255',
  '198.18.0.0-198.19.255.255',
  '198.51.100.0-198.51.100.255',
  '203.0.113.0-203.0.113.255',
  '224.0.0.0-239.255.255.255',
  '240.0.0.0-255.255.255.255',
  '::',
  '::1',
  '64:ff9b::-64:ff9b::ffff:ffff',
  '64:ff9b:1::-64:ff9b:1:ffff:ffff:ffff:ffff:ffff',
  '::ffff:0.0.0.0-::ffff:255.255.255.255',
  '100::-100::ffff:ffff:ffff:ffff',
  '2001::-2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff',
  '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
  '2002::-2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  'ff00::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
];
