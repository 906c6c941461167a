/**
 * One TLS port for both HTTPS and TURN over TLS, so a network that lets only TCP 443 out still
 * reaches the relay. nginx's `stream` module reads the ClientHello without decrypting it
 * (`ssl_preread`) and routes by ALPN: a TURN client that names TURN (`stun.turn`, RFC 7443; coturn's
 * tools do, beside `http/1.1`) goes to coturn; browsers offer `h2`/`http/1.1` for the page, the API
 * and the WebSocket; their TURN client offers no protocol at all, so everything else goes to
 * coturn too.
 *
 * The router passes the client's address on in the PROXY protocol, so per-address limits and the
 * gateway's forwarded address stay real. coturn does not read PROXY, so its branch goes through a
 * second hop that takes the header off.
 */
export interface NginxTlsRouter {
  /** `address:port` the router listens on (e.g. `198.18.0.1:443`, or `443`). */
  listen: string;
  /** Port of nginx's own HTTPS listener on 127.0.0.1 (`listen … proxy_protocol`). */
  httpsPort: number;
  /** Port on 127.0.0.1 of the hop that takes the PROXY header off before coturn. */
  turnsHopPort: number;
  /** `host:port` of coturn's TLS listener. */
  turns: string;
  /** Concurrent connections per client address (production). */
  connectionsPerAddress?: number;
}

/** The `stream`-level configuration of the router. */
export function nginxTlsRouterConfig(router: NginxTlsRouter): string {
  const limit = router.connectionsPerAddress;
  return `
map $ssl_preread_alpn_protocols $qm_tls_backend {
  ~\\bstun\\.turn\\b 127.0.0.1:${router.turnsHopPort};
  ~\\bh2\\b 127.0.0.1:${router.httpsPort};
  ~\\bhttp/1\\.1\\b 127.0.0.1:${router.httpsPort};
  default 127.0.0.1:${router.turnsHopPort};
}
${limit ? '\nlimit_conn_zone $binary_remote_addr zone=qm_tls_conn_per_ip:10m;\n' : ''}
server {
  listen ${router.listen};
  ssl_preread on;
  proxy_pass $qm_tls_backend;
  proxy_protocol on;
  proxy_connect_timeout 2s;
  # Calls and signaling sockets live long; TURN refreshes its allocation every few minutes.
  proxy_timeout 1h;${limit ? `\n  limit_conn qm_tls_conn_per_ip ${limit};` : ''}
}

server {
  listen 127.0.0.1:${router.turnsHopPort} proxy_protocol;
  set_real_ip_from 127.0.0.1;
  proxy_pass ${router.turns};
  proxy_connect_timeout 2s;
  proxy_timeout 1h;
}
`;
}
