import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROTLI_STATIC_MODULE, nginxSiteConfig, type NginxSite } from './nginx-site';
import { nginxTlsRouterConfig, type NginxTlsRouter } from './nginx-tls-router';
import { freePort, isTcpOpen, startProcess, waitUntilReady } from './process';
import { startLocalServer, type LocalServer, type SupervisedServerOptions } from './server';

/** Debian ships nginx's `stream` module apart (libnginx-mod-stream). */
const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

export interface LocalNginxSite extends NginxSite {
  /** HTTPS and TURN over TLS on one port (see {@link NginxTlsRouter}). */
  tlsRouter?: NginxTlsRouter;
}

/** A complete nginx.conf for a local, non-daemon nginx whose every file lives in `dir`. */
export function localNginxConfig(dir: string, site: LocalNginxSite): string {
  if (site.tlsRouter && !existsSync(STREAM_MODULE))
    throw new Error('nginx has no stream module: apt-get install libnginx-mod-stream');
  const publicTlsPort = site.tlsRouter ? Number(site.tlsRouter.listen.split(':').pop()) : undefined;
  const modules = [
    ...(site.brotliStatic ? [BROTLI_STATIC_MODULE] : []),
    ...(site.tlsRouter ? [STREAM_MODULE] : []),
  ];
  return `${modules.map((module) => `load_module ${module};\n`).join('')}daemon off;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
${nginxSiteConfig(site, publicTlsPort)}
}
${site.tlsRouter ? `stream {\n${nginxTlsRouterConfig(site.tlsRouter)}}\n` : ''}`;
}

export type LocalNginx = LocalServer;

/**
 * Runs nginx from Debian's package in the foreground with its config, pid and temp files in a
 * folder of its own. As root its workers run as `nobody`, so `spaRoot` must be world-readable.
 */
export async function startLocalNginx(
  site: Omit<LocalNginxSite, 'port'> & { port?: number; dir?: string } & SupervisedServerOptions,
): Promise<LocalNginx> {
  const dir = site.dir ?? (await mkdtemp(join(tmpdir(), 'qm-nginx-')));
  await mkdir(dir, { recursive: true });
  const port = site.port ?? (await freePort());
  const configFile = join(dir, 'nginx.conf');
  await writeFile(
    configFile,
    localNginxConfig(dir, {
      ...site,
      port,
      listenAddress: site.listenAddress ?? '127.0.0.1',
      brotliStatic: site.brotliStatic ?? existsSync(BROTLI_STATIC_MODULE),
    }),
  );
  return startLocalServer({
    name: 'nginx',
    supervision: site.supervision,
    port,
    dir,
    removeDirOnStop: site.dir === undefined,
    stopSignal: 'SIGQUIT',
    async launch() {
      const child = startProcess({
        name: 'nginx',
        command: 'nginx',
        args: ['-p', dir, '-c', configFile],
        logFile: join(dir, 'nginx.log'),
      });
      await waitUntilReady(child, () => isTcpOpen(port));
      return child;
    },
  });
}
