import { mkdtempSync, readFileSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { precompressDir } from './precompress';

describe('precompressDir', () => {
  it('writes .gz and .br copies of text assets that decompress to the original', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'precompress-'));
    mkdirSync(join(dir, 'assets'));
    const bundle = `export const text = ${JSON.stringify('meeting '.repeat(1_000))};`;
    writeFileSync(join(dir, 'assets/index.js'), bundle);
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    writeFileSync(join(dir, 'assets/logo.png'), Buffer.alloc(4_096));

    expect(await precompressDir(dir)).toEqual([join('assets', 'index.js')]);
    const js = join(dir, 'assets/index.js');
    expect(gunzipSync(readFileSync(`${js}.gz`)).toString()).toBe(bundle);
    expect(brotliDecompressSync(readFileSync(`${js}.br`)).toString()).toBe(bundle);
    expect(readFileSync(`${js}.gz`).length).toBeLessThan(bundle.length / 10);
    // Too small to gain, and already compressed: left alone.
    expect(existsSync(join(dir, 'index.html.gz'))).toBe(false);
    expect(existsSync(join(dir, 'assets/logo.png.gz'))).toBe(false);
  });
});
