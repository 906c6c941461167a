import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { boolVar, ConfigError, intVar, loadConfig, pemVar, portVar } from './config';

const schema = z.object({
  PORT: portVar.default(3000),
  WORKERS: intVar(2),
  SECURE: boolVar(true),
  API_KEY: z.string().min(1),
  PUBLIC_KEY: pemVar('PUBLIC KEY').optional(),
});

const pem = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----';

describe('loadConfig', () => {
  it('parses and applies defaults', () => {
    expect(loadConfig(schema, { API_KEY: 'k' })).toEqual({
      PORT: 3000,
      WORKERS: 2,
      SECURE: true,
      API_KEY: 'k',
    });
    expect(loadConfig(schema, { API_KEY: 'k', PORT: '8080', SECURE: '0' })).toMatchObject({
      PORT: 8080,
      SECURE: false,
    });
  });

  it('names a missing variable in one line', () => {
    expect(() => loadConfig(schema, {})).toThrow(new ConfigError('config: API_KEY is missing'));
  });

  it('names an invalid variable without echoing its value', () => {
    expect(() => loadConfig(schema, { API_KEY: 'k', PORT: 'eighty' })).toThrow(
      /^config: PORT is invalid: /,
    );
    expect(() => loadConfig(schema, { API_KEY: 'k', PORT: 'eighty' })).not.toThrow(/eighty/);
  });

  it('reads NAME from NAME_FILE, and names the file variable when it cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-spec-'));
    writeFileSync(join(dir, 'key.pem'), `${pem}\n`);
    expect(
      loadConfig(schema, { API_KEY: 'k', PUBLIC_KEY_FILE: join(dir, 'key.pem') }).PUBLIC_KEY,
    ).toBe(pem);
    expect(() =>
      loadConfig(schema, { API_KEY: 'k', PUBLIC_KEY_FILE: join(dir, 'absent.pem') }),
    ).toThrow('config: PUBLIC_KEY_FILE cannot be read (ENOENT)');
    writeFileSync(join(dir, 'api-key'), 'secret\n');
    expect(loadConfig(schema, { API_KEY_FILE: join(dir, 'api-key') }).API_KEY).toBe('secret');
  });

  it('refuses NAME and NAME_FILE together, naming both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-spec-'));
    writeFileSync(join(dir, 'key.pem'), `${pem}\n`);
    expect(() =>
      loadConfig(schema, { API_KEY: 'k', PUBLIC_KEY: pem, PUBLIC_KEY_FILE: join(dir, 'key.pem') }),
    ).toThrow(
      new ConfigError('config: PUBLIC_KEY and PUBLIC_KEY_FILE are both set; set one of them'),
    );
  });

  it('ignores *_FILE variables of the environment that the schema does not read', () => {
    expect(
      loadConfig(schema, { API_KEY: 'k', SOME_TOOL_CONFIG_FILE: '/nonexistent/file' }),
    ).toMatchObject({ API_KEY: 'k' });
    const piped = schema.transform((c) => ({ key: c.API_KEY }));
    expect(() => loadConfig(piped, { API_KEY: 'k', PUBLIC_KEY_FILE: '/nonexistent' })).toThrow(
      'PUBLIC_KEY_FILE cannot be read',
    );
  });

  it('accepts PEM with escaped newlines and refuses the wrong kind of key', () => {
    expect(
      loadConfig(schema, { API_KEY: 'k', PUBLIC_KEY: pem.replace(/\n/g, '\\n') }).PUBLIC_KEY,
    ).toBe(pem);
    expect(() =>
      loadConfig(schema, { API_KEY: 'k', PUBLIC_KEY: pem.replace(/PUBLIC/g, 'PRIVATE') }),
    ).toThrow(/config: PUBLIC_KEY is invalid/);
  });
});
