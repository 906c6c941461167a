import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareRuntimeDir } from './platform';

describe('prepareRuntimeDir', () => {
  let parent: string;
  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'qm-runtime-spec-'));
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  it('creates the folder of a fresh clone (no .runtime yet), readable by the postgres user', () => {
    const dir = join(parent, 'clone', '.runtime');
    expect(prepareRuntimeDir(dir)).toBe(dir);
    const stat = statSync(dir);
    expect(stat.isDirectory()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o755);
  });

  it('keeps an existing folder and what is in it', () => {
    const dir = prepareRuntimeDir(join(parent, '.runtime'));
    prepareRuntimeDir(join(dir, 'postgres'));
    expect(prepareRuntimeDir(dir)).toBe(dir);
    expect(statSync(join(dir, 'postgres')).isDirectory()).toBe(true);
  });

  it('makes a temp folder when none is given', () => {
    const dir = prepareRuntimeDir();
    try {
      expect(dir.startsWith(join(tmpdir(), 'qm-platform-'))).toBe(true);
      expect(statSync(dir).mode & 0o777).toBe(0o755);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
