import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalSecrets } from './secrets';

describe('ensureLocalSecrets', () => {
  it('generates the secrets once, private to the owner, and keeps them on later runs', () => {
    const envFile = join(mkdtempSync(join(tmpdir(), 'secrets-spec-')), '.env');
    const first = ensureLocalSecrets(envFile);
    expect(first.JWT_PRIVATE_KEY).toContain('BEGIN PRIVATE KEY');
    expect(first.JWT_PUBLIC_KEY).toContain('BEGIN PUBLIC KEY');
    expect(first.TURN_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(ensureLocalSecrets(envFile)).toEqual(first);
  });

  it('keeps what the developer wrote and only adds what is missing', () => {
    const envFile = join(mkdtempSync(join(tmpdir(), 'secrets-spec-')), '.env');
    writeFileSync(envFile, 'TURN_SECRET=mine\nLOG_LEVEL=debug\n');
    const secrets = ensureLocalSecrets(envFile);
    expect(secrets.TURN_SECRET).toBe('mine');
    expect(secrets.LOG_LEVEL).toBe('debug');
    expect(readFileSync(envFile, 'utf8').match(/TURN_SECRET/g)).toHaveLength(1);
  });
});
