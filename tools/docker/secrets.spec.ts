import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDockerSecrets } from './secrets';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('writeDockerSecrets', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'docker-secrets-')), 'secrets');
  const read = (name: string) => readFileSync(join(dir, name), 'utf8').trim();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes URLs whose logins match the Redis ACL file and the role passwords', () => {
    expect(writeDockerSecrets(dir)).toBe('written');
    const acl = read('redis_acl');
    for (const [file, user] of [
      ['redis_gateway_url', 'api-gateway'],
      ['redis_room_url', 'room-service'],
      ['redis_turn_url', 'turn-credential-service'],
      ['redis_signaling_url', 'signaling-service'],
    ] as const) {
      const url = new URL(read(file));
      expect(url.username).toBe(user);
      expect(acl).toContain(`user ${user} reset on #${sha256(decodeURIComponent(url.password))} `);
    }
    for (const [file, passwordFile, role] of [
      ['migrate_database_url', 'postgres_owner_password', 'qualmeet_owner'],
      ['auth_database_url', 'postgres_auth_password', 'auth_service'],
      ['room_database_url', 'postgres_room_password', 'room_service'],
    ] as const) {
      const url = new URL(read(file));
      expect([url.username, url.password, url.host]).toEqual([
        role,
        read(passwordFile),
        'postgres:5432',
      ]);
    }
    expect(read('jwt_private_key')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('keeps the folder private and the files readable by the images’ own users', () => {
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'turn_secret')).mode & 0o777).toBe(0o644);
  });

  it('never replaces existing secrets, and refuses to top up a partial folder', () => {
    const before = read('turn_secret');
    expect(writeDockerSecrets(dir)).toBe('kept');
    expect(read('turn_secret')).toBe(before);
    rmSync(join(dir, 'redis_acl'));
    expect(() => writeDockerSecrets(dir)).toThrow(/only some of the secrets/);
  });
});
