import {
  productionCoturnConfig,
  productionNginxConfig,
  productionNginxMainConfig,
  productionTlsRouterConfig,
} from './production-configs';

const coturnLines = productionCoturnConfig().trim().split('\n');
const valueOf = (key: string) =>
  coturnLines.find((line) => line.startsWith(`${key}=`))?.slice(key.length + 1);

describe('the production coturn config', () => {
  it('relays on thousands of ports with quotas that fit them', () => {
    const ports = Number(valueOf('max-port')) - Number(valueOf('min-port')) + 1;
    expect(ports).toBeGreaterThanOrEqual(10_000);
    expect(Number(valueOf('user-quota'))).toBeLessThanOrEqual(10);
    expect(Number(valueOf('user-quota'))).toBeGreaterThan(0);
    expect(Number(valueOf('total-quota'))).toBeLessThanOrEqual(ports);
    expect(Number(valueOf('total-quota'))).toBeGreaterThan(0);
  });

  it('serves TURN over TLS with the certificate mounted for it', () => {
    expect(coturnLines).toEqual(
      expect.arrayContaining([
        'tls-listening-port=5349',
        'cert=/etc/coturn/tls/certificate.pem',
        'pkey=/etc/coturn/tls/key.pem',
      ]),
    );
    expect(coturnLines).not.toContain('no-tls');
  });

  it('denies the unspecified, NAT64 and documentation IPv6 ranges as peers', () => {
    expect(coturnLines).toEqual(
      expect.arrayContaining([
        'denied-peer-ip=::',
        'denied-peer-ip=64:ff9b:1::-64:ff9b:1:ffff:ffff:ffff:ffff:ffff',
        'denied-peer-ip=2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
      ]),
    );
    expect(coturnLines.some((line) => line.startsWith('allowed-peer-ip'))).toBe(false);
  });
});

describe('the production nginx config', () => {
  const site = productionNginxConfig();

  it('names the public host and builds the content security policy from it', () => {
    expect(site).toContain('server_name ${PUBLIC_HOST};');
    expect(site).toContain("connect-src 'self' wss://${PUBLIC_HOST};");
    expect(site).not.toContain('$http_host');
  });

  it('limits connections and requests per client address, answering 429', () => {
    expect(site).toMatch(/limit_conn_zone \$binary_remote_addr zone=qm_conn_per_ip:10m;/);
    expect(site).toMatch(
      /limit_req_zone \$binary_remote_addr zone=qm_req_per_ip:10m rate=\d+r\/s;/,
    );
    expect(site).toMatch(/limit_conn qm_conn_per_ip \d+;/);
    expect(site).toMatch(/limit_req zone=qm_req_per_ip burst=\d+ nodelay;/);
    expect(site).toContain('limit_req_status 429;');
    expect(productionTlsRouterConfig()).toMatch(/limit_conn qm_tls_conn_per_ip \d+;/);
  });

  it('takes the real client address from the TLS router, and trusts only loopback for it', () => {
    expect(site).toContain('listen 127.0.0.1:8443 ssl http2 proxy_protocol;');
    expect(site).toContain('set_real_ip_from 127.0.0.1;');
    expect(site).toContain('real_ip_header proxy_protocol;');
  });

  it('routes 443 by ALPN: web protocols to HTTPS, everything else to TURN over TLS', () => {
    const router = productionTlsRouterConfig();
    expect(router).toContain('listen 443;');
    expect(router).toContain('ssl_preread on;');
    expect(router).toMatch(
      /~\\bstun\\\.turn\\b 127\.0\.0\.1:5350;\n {2}~\\bh2\\b 127\.0\.0\.1:8443;/,
    );
    expect(router).toMatch(/default 127\.0\.0\.1:5350;/);
    expect(router).toContain('proxy_pass host.docker.internal:5349;');
    expect(productionNginxMainConfig()).toMatch(/stream \{\n {2}include \/etc\/nginx\/stream\.d/);
  });
});
