export interface NginxTls {
  /** Port of the HTTPS listener. */
  port: number;
  certificate: string;
  certificateKey: string;
  /** The plain-HTTP listener only redirects to HTTPS. */
  redirectHttp: boolean;
  /** Address of the HTTPS listener when it differs from the site's (e.g. the LAN for phones). */
  listenAddress?: string;
  /**
   * The HTTPS listener sits behind the TLS router of {@link NginxTlsRouter} on this machine: it
   * takes the PROXY protocol from it and logs and limits the real client address.
   */
  behindRouter?: boolean;
}

/** Per-client-address limits at the edge (production): a flood from one address stops here. */
export interface NginxClientLimits {
  /** Concurrent connections (sockets) per address. */
  connections: number;
  /** Sustained requests per second per address, and the burst served before 429. */
  requestsPerSecond: number;
  burst: number;
}

export interface NginxSite {
  /** Port of the plain-HTTP listener. */
  port: number;
  /** Address nginx listens on (`127.0.0.1` locally, all interfaces in a container). */
  listenAddress?: string;
  /** More `address:port` plain-HTTP listeners (the public host of DESIGN §6). */
  extraListeners?: string[];
  /** `server_name` of every server block; `_` (any) when absent. */
  serverName?: string;
  /**
   * Origins the app is served from (`https://meet.example.com`): the content security policy lets
   * the page open its signaling socket to exactly these, never to whatever Host a request named.
   */
  publicOrigins?: string[];
  /** Built SPA, served with history fallback to index.html. */
  spaRoot: string;
  /** `host:port` of each api-gateway instance. */
  gateways: string[];
  /** `host:port` of each signaling node. */
  signalingNodes: string[];
  /** Terminate TLS (HTTPS and wss) with this certificate. */
  tls?: NginxTls;
  /** Per-address connection and request limits (production). */
  clientLimits?: NginxClientLimits;
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

/** `ws://` or `wss://` of an http(s) origin, for the content security policy. */
export function webSocketOrigin(origin: string): string {
  return origin.replace(/^http/, 'ws');
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
 * same-origin only; `connect-src` names the WebSocket endpoint of each configured origin, for
 * browsers that do not count ws(s): as 'self'.
 */
function securityHeaders(site: NginxSite, tls: boolean): string {
  const sockets = [...new Set((site.publicOrigins ?? []).map(webSocketOrigin))].join(' ');
  const lines = [
    'add_header X-Content-Type-Options nosniff always;',
    'add_header Referrer-Policy no-referrer always;',
    'add_header X-Frame-Options DENY always;',
    'add_header Permissions-Policy "camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=()" always;',
    `add_header Content-Security-Policy "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'${sockets ? ` ${sockets}` : ''}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'" always;`,
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
${securityHeaders(site, tls)}
    try_files $uri =404;
  }

  location / {
    root ${site.spaRoot};
    add_header Cache-Control "no-cache";
${staticCompression(site)}
${securityHeaders(site, tls)}
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

/** Zones of the per-address limits (http level) and their use in a server block. */
function clientLimitZones(limits: NginxClientLimits | undefined): string {
  if (!limits) return '';
  return `
limit_conn_zone $binary_remote_addr zone=qm_conn_per_ip:10m;
limit_req_zone $binary_remote_addr zone=qm_req_per_ip:10m rate=${limits.requestsPerSecond}r/s;
limit_conn_status 429;
limit_req_status 429;
`;
}

function clientLimitRules(limits: NginxClientLimits | undefined): string {
  if (!limits) return '';
  return `
  limit_conn qm_conn_per_ip ${limits.connections};
  limit_req zone=qm_req_per_ip burst=${limits.burst} nodelay;`;
}

/** The HTTPS listener: direct, or behind the TLS router with the client's address in PROXY. */
function tlsListen(site: NginxSite, tls: NginxTls, at: (port: number) => string): string {
  if (tls.behindRouter) {
    return `  listen 127.0.0.1:${tls.port} ssl http2 proxy_protocol;
  set_real_ip_from 127.0.0.1;
  real_ip_header proxy_protocol;`;
  }
  return `  listen ${tls.listenAddress ? `${tls.listenAddress}:${tls.port}` : at(tls.port)} ssl http2;`;
}

/**
 * The `http`-level configuration of QUAL_MEET's edge: the SPA at `/`, the API at `/api/`, the
 * signaling WebSocket at `/ws`, over HTTP or HTTPS. One source for the local stack, the tests and
 * the container image.
 */
export function nginxSiteConfig(site: NginxSite, redirectPort?: number): string {
  const at = (port: number) =>
    site.listenAddress ? `${site.listenAddress}:${port}` : String(port);
  const tls = site.tls;
  const publicTlsPort = redirectPort ?? tls?.port;
  const redirectTarget =
    publicTlsPort === 443
      ? 'https://$host$request_uri'
      : `https://$host:${publicTlsPort}$request_uri`;
  const names = `  server_name ${site.serverName ?? '_'};\n  server_tokens off;`;
  const plainListen = [at(site.port), ...(site.extraListeners ?? [])]
    .map((address) => `  listen ${address};`)
    .join('\n');
  const plainServer = tls?.redirectHttp
    ? `
server {
${plainListen}
${names}
  location / {
    return 301 ${redirectTarget};
  }
}`
    : `
server {
${plainListen}
${names}
  client_max_body_size 64k;${clientLimitRules(site.clientLimits)}
${appLocations(site, false)}
}`;
  const tlsServer = tls
    ? `
server {
${tlsListen(site, tls, at)}
${names}
  client_max_body_size 64k;${clientLimitRules(site.clientLimits)}
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
${clientLimitZones(site.clientLimits)}${plainServer}
${tlsServer}
`;
}
