import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { workspaceRoot } from '@qual-meet/local-servers';

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
      if (!service.build) continue;
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

  it('keeps secrets out of the file', () => {
    const text = readFileSync(join(root, 'docker/compose.yaml'), 'utf8');
    expect(text).not.toMatch(/BEGIN (RSA |)PRIVATE KEY|static-auth-secret=/);
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
