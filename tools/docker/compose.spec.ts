import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DatabaseRoles } from '@qual-meet/db';
import {
  BROTLI_STATIC_MODULE,
  generatedDockerConfigs,
  localNginxConfig,
  nginxSiteConfig,
  productionCoturnConfig,
  productionNginxConfig,
  workspaceRoot,
} from '@qual-meet/local-servers';
import { listenerVars, tokenClaimVars, tokenVerifierVars } from '@qual-meet/server-kit';
import { dockerSecretFiles } from './secrets';

// No Docker engine runs on these machines, so the compose file is checked statically.
const root = workspaceRoot();
interface ComposeService {
  image?: string;
  healthcheck?: { test: unknown };
  build?: { dockerfile: string; args?: { APP?: string } };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  env_file?: unknown;
  secrets?: string[];
  command?: string[];
  entrypoint?: string[];
}
const compose = parse(readFileSync(join(root, 'docker/compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file: string }>;
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

  it('keeps secrets out of the file', () => {
    const text = readFileSync(join(root, 'docker/compose.yaml'), 'utf8');
    expect(text).not.toMatch(/BEGIN (RSA |)PRIVATE KEY|static-auth-secret=[^%]/);
  });
});

/** The variables a Node service's config schema reads, from its source (apps cannot be imported here). */
function variablesRead(app: string): Set<string> {
  const file = app === 'db-migrate' ? 'main.ts' : 'config.ts';
  const source = readFileSync(join(root, 'apps', app, 'src', file), 'utf8');
  const names = new Set([...source.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!));
  const shared = [
    ['listenerVars', Object.keys(listenerVars(0))],
    ['tokenVerifierVars', Object.keys(tokenVerifierVars)],
    ['tokenClaimVars', Object.keys(tokenClaimVars)],
  ] as const;
  for (const [helper, keys] of shared)
    if (source.includes(helper)) keys.forEach((k) => names.add(k));
  return names;
}

const holdersOf = (secret: string) =>
  Object.entries(services)
    .filter(([, service]) => service.secrets?.includes(secret))
    .map(([name]) => name)
    .sort();

describe('docker/compose.yaml: least privilege', () => {
  it('hands no container a shared .env: each names its own settings', () => {
    for (const [name, service] of Object.entries(services))
      expect({ name, envFile: service.env_file }).toEqual({ name, envFile: undefined });
  });

  it('gives each Node service only variables its config reads', () => {
    for (const [name, service] of Object.entries(services)) {
      const app = service.build?.args?.APP;
      if (!app) continue;
      const read = variablesRead(app);
      const extra = Object.keys(service.environment ?? {})
        .map((variable) => variable.replace(/_FILE$/, ''))
        .filter((variable) => !read.has(variable));
      expect({ name, extra }).toEqual({ name, extra: [] });
    }
  });

  it('passes secrets only as mounted Docker secrets, through NAME_FILE', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        const where = { name, variable };
        expect({ ...where, inline: /SECRET$|PRIVATE_KEY$|PASSWORD$/.test(variable) }).toEqual({
          ...where,
          inline: false,
        });
        expect({ ...where, credentialsInUrl: /:\/\/[^/@\s]+:[^/@\s]+@/.test(value) }).toEqual({
          ...where,
          credentialsInUrl: false,
        });
        if (!variable.endsWith('_FILE')) continue;
        const secret = value.replace(/^\/run\/secrets\//, '');
        expect({ ...where, mounted: service.secrets?.includes(secret) ?? false }).toEqual({
          ...where,
          mounted: true,
        });
        expect(service.environment?.[variable.replace(/_FILE$/, '')]).toBeUndefined();
      }
    }
  });

  it('mounts each secret only in the containers that need it', () => {
    expect(holdersOf('jwt_private_key')).toEqual(['auth-service']);
    expect(holdersOf('turn_secret')).toEqual(['coturn', 'turn-credential-service']);
    expect(holdersOf('redis_acl')).toEqual(['redis']);
    expect(holdersOf('migrate_database_url')).toEqual(['migrate']);
    expect(holdersOf('auth_database_url')).toEqual(['auth-service']);
    expect(holdersOf('room_database_url')).toEqual(['room-service']);
    expect(holdersOf('redis_gateway_url')).toEqual(['api-gateway']);
    expect(holdersOf('redis_room_url')).toEqual(['room-service']);
    expect(holdersOf('redis_turn_url')).toEqual(['turn-credential-service']);
    expect(holdersOf('redis_signaling_url')).toEqual(['signaling-1', 'signaling-2']);
    for (const secret of Object.keys(compose.secrets ?? {}).filter((s) =>
      s.startsWith('postgres_'),
    ))
      expect({ secret, holders: holdersOf(secret) }).toEqual({ secret, holders: ['postgres'] });
    expect(holdersOf('jwt_public_key')).toEqual([
      'api-gateway',
      'room-service',
      'signaling-1',
      'signaling-2',
      'turn-credential-service',
    ]);
  });

  it('declares exactly the secrets the generator writes, from the git-ignored folder', () => {
    const declared = compose.secrets ?? {};
    expect(Object.keys(declared).sort()).toEqual(Object.keys(dockerSecretFiles()).sort());
    for (const [secret, { file }] of Object.entries(declared))
      expect({ secret, file }).toEqual({ secret, file: `./secrets/${secret}` });
    expect(readFileSync(join(root, '.gitignore'), 'utf8')).toMatch(/^docker\/secrets\/?$/m);
    expect(readFileSync(join(root, '.dockerignore'), 'utf8')).toMatch(/^docker\/secrets\/?$/m);
  });

  it("puts coturn's secret on no command line", () => {
    const coturn = services.coturn!;
    const invocation = [...(coturn.entrypoint ?? []), ...(coturn.command ?? [])].join(' ');
    expect(invocation).not.toMatch(/--static-auth-secret|\$\{?TURN_SECRET/);
    expect(invocation).toContain('/run/secrets/turn_secret');
    // The secret goes into a file with a shell builtin; `turnserver` only gets the file's path.
    expect(invocation).toMatch(/printf 'static-auth-secret=%s\\n'/);
    expect(invocation).toMatch(/exec turnserver -c \/run\/coturn\/turnserver.conf/);
  });

  it('creates every database role, with passwords from secrets, before the first migration', () => {
    const init = readFileSync(join(root, 'docker/postgres/init-roles.sql'), 'utf8');
    for (const role of Object.values(DatabaseRoles))
      expect(init).toMatch(new RegExp(`CREATE ROLE ${role} LOGIN .*PASSWORD :'\\w+'`));
    expect(init).toContain(`ALTER DATABASE qualmeet OWNER TO ${DatabaseRoles.owner}`);
    expect(init).not.toMatch(/PASSWORD '/);
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
    expect(config).toContain('listen 443 ssl');
    expect(config).toContain('ssl_protocols TLSv1.2 TLSv1.3;');
    expect(config).toContain('return 301 https://$host$request_uri;');
    expect(config).toMatch(/Strict-Transport-Security "max-age=63072000/);
    expect(config).toMatch(/connect-src 'self' wss:\/\/\$http_host/);
  });

  it("serve the build's precompressed files; brotli only where nginx has the module", () => {
    const config = productionNginxConfig();
    expect(config.match(/gzip_static on;\n {4}gzip_vary on;/g)).toHaveLength(2);
    // The official nginx image has no brotli module.
    expect(config).not.toContain('brotli');
    const site = { port: 80, spaRoot: '/srv', gateways: ['g:1'], signalingNodes: [] };
    expect(nginxSiteConfig({ ...site, brotliStatic: true })).toContain('brotli_static on;');
    expect(localNginxConfig('/tmp/x', { ...site, brotliStatic: true })).toMatch(
      new RegExp(`^load_module ${BROTLI_STATIC_MODULE};\n`),
    );
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
