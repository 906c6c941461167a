import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isTcpOpen, startProcess, waitUntilReady } from './process';
import { startLocalServer, type LocalServer } from './server';

export interface NginxTls {
  /** Port of the HTTPS listener. */
  port: number;
  certificate: string;
  certificateKey: string;
  /** The plain-HTTP listener only redirects to HTTPS. */
  redirectHttp: boolean;
  /** Address of the HTTPS listener when it differs from the site's (e.g. the LAN for phones). */
  listenAddress?: string;
}

export interface NginxSite {
  /** Port of the plain-HTTP listener. */
  port: number;
  /** Address nginx listens on (`127.0.0.1` locally, all interfaces in a container). */
  listenAddress?: string;
  /** Built SPA, served with history fallback to index.html. */
  spaRoot: string;
  /** `host:port` of each api-gateway instance. */
  gateways: string[];
  /** `host:port` of each signaling node. */
  signalingNodes: string[];
  /** Terminate TLS (HTTPS and wss) with this certificate. */
  tls?: NginxTls;
  /** Serve the build's `.br` files too (needs nginx's brotli_static module). */
  brotliStatic?: boolean;
}

/** Debian's `libnginx-mod-http-brotli-static`; the local stack uses it when it is installed. */
export const BROTLI_STATIC_MODULE = '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so';

/**
 * The build's precompressed `.gz` (and `.br`) files, served as they are: no compression work per
 * request. `Vary` keeps shared caches from handing a compressed copy to a client without it.
 */
function staticCompression(site: NginxSite): string {
  return [
    '    gzip_static on;',
    '    gzip_vary on;',
    ...(site.brotliStatic ? ['    brotli_static on;'] : []),
  ].join('\n');
}

function signalingUpstream(nodes: string[]): string {
  return `
upstream qm_signaling {
  # Round robin spreads new sockets over the nodes; a node that goes away closes its sockets
  # with 1001 and clients reconnect, landing on another.
${nodes.map((n) => `  server ${n};`).join('\n')}
}
`;
}

/**
 * Browser security headers for the SPA. `add_header` in a location replaces the server's, so
 * every location that adds one includes all of these. Scripts, styles and connections are
 * same-origin only; `connect-src` names the WebSocket endpoint of this host explicitly, for
 * browsers that do not count ws(s): as 'self'.
 */
function securityHeaders(tls: boolean): string {
  const ws = tls ? 'wss' : 'ws';
  const lines = [
    'add_header X-Content-Type-Options nosniff always;',
    'add_header Referrer-Policy no-referrer always;',
    'add_header X-Frame-Options DENY always;',
    'add_header Permissions-Policy "camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=()" always;',
    `add_header Content-Security-Policy "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self' ${ws}://$http_host; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'" always;`,
    // Two years, subdomains included: once a browser has seen HTTPS here it never tries HTTP.
    ...(tls
      ? ['add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;']
      : []),
  ];
  return lines.map((l) => `    ${l}`).join('\n');
}

function signalingLocation(): string {
  return `
  location = /ws {
    proxy_pass http://qm_signaling;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $qm_connection_upgrade;
    proxy_set_header Host $host;
    proxy_set_header Origin $http_origin;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_connect_timeout 2s;
    # Signaling sockets idle between heartbeats (10 s); keep them well past that.
    proxy_read_timeout 1h;
    proxy_send_timeout 1h;
  }
`;
}

/** The locations every QUAL_MEET server block serves. */
function appLocations(site: NginxSite, tls: boolean): string {
  return `
  location /api/ {
    proxy_pass http://qm_gateway;
    proxy_http_version 1.1;
    proxy_set_header Connection '';
    proxy_set_header Host $host;
    proxy_set_header X-Request-Id $request_id;
    proxy_set_header X-Forwarded-For $remote_addr;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_connect_timeout 2s;
    proxy_read_timeout 30s;
${tls ? '    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;\n' : ''}  }
${site.signalingNodes.length > 0 ? signalingLocation() : ''}
  location /assets/ {
    root ${site.spaRoot};
    add_header Cache-Control "public, max-age=31536000, immutable";
${staticCompression(site)}
${securityHeaders(tls)}
    try_files $uri =404;
  }

  location / {
    root ${site.spaRoot};
    add_header Cache-Control "no-cache";
${staticCompression(site)}
${securityHeaders(tls)}
    try_files $uri /index.html;
  }`;
}

/** TLS 1.2 and 1.3 only, with the forward-secret AEAD suites of Mozilla's "intermediate" profile. */
function tlsSettings(tls: NginxTls): string {
  return `
  ssl_certificate ${tls.certificate};
  ssl_certificate_key ${tls.certificateKey};
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
  ssl_prefer_server_ciphers off;
  ssl_session_cache shared:qm_tls:10m;
  ssl_session_timeout 1d;
  ssl_session_tickets off;`;
}

/**
 * The `http`-level configuration of QUAL_MEET's edge: the SPA at `/`, the API at `/api/`, the
 * signaling WebSocket at `/ws`, over HTTP or HTTPS. One source for the local stack, the tests and
 * the container image.
 */
export function nginxSiteConfig(site: NginxSite): string {
  const at = (port: number) =>
    site.listenAddress ? `${site.listenAddress}:${port}` : String(port);
  const tls = site.tls;
  const redirectTarget =
    tls &&
    (tls.port === 443 ? 'https://$host$request_uri' : `https://$host:${tls.port}$request_uri`);
  const plainServer = tls?.redirectHttp
    ? `
server {
  listen ${at(site.port)};
  server_tokens off;
  location / {
    return 301 ${redirectTarget};
  }
}`
    : `
server {
  listen ${at(site.port)};
  server_tokens off;
  client_max_body_size 64k;
${appLocations(site, false)}
}`;
  const tlsServer = tls
    ? `
server {
  listen ${tls.listenAddress ? `${tls.listenAddress}:${tls.port}` : at(tls.port)} ssl http2;
  server_tokens off;
  client_max_body_size 64k;
${tlsSettings(tls)}
${appLocations(site, true)}
}`
    : '';
  return `
upstream qm_gateway {
${site.gateways.map((g) => `  server ${g};`).join('\n')}
  keepalive 32;
}
${site.signalingNodes.length > 0 ? signalingUpstream(site.signalingNodes) : ''}
map $http_upgrade $qm_connection_upgrade {
  default upgrade;
  '' close;
}
${plainServer}
${tlsServer}
`;
}

/** A complete nginx.conf for a local, non-daemon nginx whose every file lives in `dir`. */
export function localNginxConfig(dir: string, site: NginxSite): string {
  return `${site.brotliStatic ? `load_module ${BROTLI_STATIC_MODULE};\n` : ''}daemon off;
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
${nginxSiteConfig(site)}
}
`;
}

export type LocalNginx = LocalServer;

/**
 * Runs nginx from Debian's package in the foreground with its config, pid and temp files in a
 * folder of its own. As root its workers run as `nobody`, so `spaRoot` must be world-readable.
 */
export async function startLocalNginx(
  site: Omit<NginxSite, 'port'> & { port?: number; dir?: string },
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
