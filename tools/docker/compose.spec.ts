import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  generatedDockerConfigs,
  productionCoturnConfig,
  productionNginxConfig,
  workspaceRoot,
} from '@qual-meet/local-servers';

// No Docker engine runs on these machines, so the compose file is checked statically.
const root = workspaceRoot();
const compose = parse(readFileSync(join(root, 'docker/compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      healthcheck?: { test: unknown };
      build?: { dockerfile: string; args?: { APP?: string } };
      depends_on?: Record<string, { condition: string }>;
      environment?: Record<string, string>;
    }
  >;
};
const services = compose.services;
const longRunning = Object.entries(services).filter(([name]) => name !== 'migrate');

describe('docker/compose.yaml', () => {
  it('runs the data stores and the auth service', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['postgres', 'redis', 'migrate', 'auth-service']),
    );
  });

  it('gives every long-running service a healthcheck', () => {
    for (const [name, service] of longRunning)
      expect({ name, healthcheck: Boolean(service.healthcheck?.test) }).toEqual({
        name,
        healthcheck: true,
      });
  });

  it('builds each Node service from an app that exists', () => {
    for (const [, service] of Object.entries(services)) {
      if (!service.build?.args?.APP) continue;
      expect(readFileSync(join(root, service.build.dockerfile), 'utf8')).toContain('USER node');
      expect(
        readFileSync(
          join(root, 'apps', service.build.args?.APP ?? 'missing', 'project.json'),
          'utf8',
        ),
      ).toContain('"type:app"');
    }
  });

  it('starts services only after the schema is migrated', () => {
    expect(services['auth-service']?.depends_on?.migrate?.condition).toBe(
      'service_completed_successfully',
    );
  });

  it('terminates TLS at nginx and trusts forwarded addresses from nginx alone', () => {
    const nginx = services.nginx as unknown as {
      ports: string[];
      volumes: string[];
      networks: { default: { ipv4_address: string } };
    };
    expect(nginx.ports).toEqual(['80:80', '443:443']);
    expect(nginx.volumes.join(' ')).toMatch(/TLS_CERT_FILE.*TLS_KEY_FILE/);
    expect(services['api-gateway']?.environment?.TRUSTED_PROXIES).toBe(
      nginx.networks.default.ipv4_address,
    );
    expect(services['signaling-1']?.environment?.ALLOWED_ORIGINS).toContain('PUBLIC_ORIGIN');
  });

  it('mounts the TLS certificate into coturn and denies the relay its own address', () => {
    const coturn = services.coturn as unknown as { volumes: string[]; command: string[] };
    expect(coturn.volumes).toEqual(
      expect.arrayContaining([
        '${TLS_CERT_FILE}:/etc/coturn/tls/certificate.pem:ro',
        '${TLS_KEY_FILE}:/etc/coturn/tls/key.pem:ro',
      ]),
    );
    expect(coturn.command).toContain('--denied-peer-ip=${TURN_EXTERNAL_IP}');
  });

  it('gives nginx its public host name and a way to coturn for TURN over TLS on 443', () => {
    const nginx = services.nginx as unknown as {
      environment: Record<string, string>;
      extra_hosts: string[];
    };
    expect(nginx.environment.PUBLIC_HOST).toMatch(/^\$\{PUBLIC_HOST/);
    expect(nginx.extra_hosts).toContain('host.docker.internal:host-gateway');
  });

  it('keeps secrets out of the file', () => {
    const text = readFileSync(join(root, 'docker/compose.yaml'), 'utf8');
    expect(text).not.toMatch(/BEGIN (RSA |)PRIVATE KEY|static-auth-secret=[^$]/);
  });
});

describe('docker/node-service.Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'docker/node-service.Dockerfile'), 'utf8');
  it('is multi-stage, ships production dependencies only and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(
      dockerfile
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('USER '))
        .at(-1),
    ).toBe('USER node');
  });
});

describe('generated production configs', () => {
  it('are up to date with the code that generates them (run tools/scripts/render-configs.ts)', () => {
    for (const [path, text] of Object.entries(generatedDockerConfigs())) {
      expect({ path, text: readFileSync(join(root, path), 'utf8') }).toEqual({ path, text });
    }
  });

  it('serve HTTPS only (TLS 1.2+, HSTS), redirecting HTTP', () => {
    const config = productionNginxConfig();
    expect(config).toContain('listen 127.0.0.1:8443 ssl http2 proxy_protocol;');
    expect(config).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(config).toContain('return 301 https://$host$request_uri;');
    expect(config).toMatch(/Strict-Transport-Security "max-age=63072000/);
    expect(config).toMatch(/connect-src 'self' wss:\/\/\$\{PUBLIC_HOST\}/);
  });

  it('give coturn a TLS listener (turns:) on the same certificate', () => {
    expect(productionCoturnConfig()).toMatch(
      /tls-listening-port=5349\ncert=\/etc\/coturn\/tls\/certificate.pem\npkey=\/etc\/coturn\/tls\/key.pem/,
    );
  });

  it('keep the production relay away from private, loopback and link-local peers', () => {
    const lines = productionCoturnConfig().trim().split('\n');
    expect(lines).not.toContain('allow-loopback-peers');
    expect(lines.some((l) => l.startsWith('static-auth-secret'))).toBe(false);
    expect(lines).toEqual(
      expect.arrayContaining([
        'use-auth-secret',
        'no-cli',
        'no-multicast-peers',
        'denied-peer-ip=10.0.0.0-10.255.255.255',
        'denied-peer-ip=127.0.0.0-127.255.255.255',
        'denied-peer-ip=172.16.0.0-172.31.255.255',
        'denied-peer-ip=192.168.0.0-192.168.255.255',
        'denied-peer-ip=169.254.0.0-169.254.255.255',
        'denied-peer-ip=::1',
        'denied-peer-ip=fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
        'denied-peer-ip=fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      ]),
    );
    expect(lines.some((l) => l.startsWith('user-quota='))).toBe(true);
  });
});
