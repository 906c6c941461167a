import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/** The workspace root: the nearest folder above `from` that holds `nx.json`. */
export function workspaceRoot(from = process.cwd()): string {
  let dir = from;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json above ${from}`);
    dir = parent;
  }
  return dir;
}

/** True when `command` is on the PATH (or in /usr/sbin, which root's PATH may lack) or is an existing absolute path. */
export function hasCommand(command: string): boolean {
  if (command.startsWith('/')) return existsSync(command);
  return [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin'].some((dir) =>
    existsSync(join(dir, command)),
  );
}

/** The bin folder of the newest PostgreSQL installed from Debian's packages. */
export function postgresBinDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  return join(base, versions[0], 'bin');
}

/** uid and gid of a system user, e.g. `postgres`. */
export async function userIds(name: string): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', name]),
    run('id', ['-g', name]),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/** Debian packages that provide the servers QUAL_MEET runs, keyed by the binary they ship. */
export const SERVER_PACKAGES: Record<string, string> = {
  '/usr/lib/postgresql': 'postgresql',
  'redis-server': 'redis-server',
  turnserver: 'coturn',
  nginx: 'nginx',
  // The stream module: HTTPS and TURN over TLS on one port (the TLS router).
  '/usr/lib/nginx/modules/ngx_stream_module.so': 'libnginx-mod-stream',
  '/usr/lib/chromium/chromium': 'chromium',
  // The network lab (libs/netlab): NAT and firewalls in network namespaces.
  nft: 'nftables',
  ip: 'iproute2',
  ss: 'iproute2',
};

/**
 * Installs with apt-get whichever of the given binaries' packages are missing. Only as root (as
 * on a fresh CI machine); otherwise it says what to install and fails.
 */
export async function ensureServerPackages(
  binaries: readonly string[],
  log = console.log,
): Promise<void> {
  const missing = [
    ...new Set(
      binaries.filter((bin) => !hasCommand(bin)).map((bin) => SERVER_PACKAGES[bin] ?? bin),
    ),
  ];
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing packages: ${missing.join(' ')} — install them with apt-get (as root)`);
  }
  log(`installing ${missing.join(' ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], { env, maxBuffer: 64 * 1024 * 1024 });
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
}
