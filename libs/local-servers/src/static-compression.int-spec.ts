import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startLocalNginx, type LocalNginx } from './nginx';

// The edge serves the build's precompressed files (apps/frontend precompress.ts) as they are.
let nginx: LocalNginx;
const spaRoot = mkdtempSync(join(tmpdir(), 'qm-spa-'));
const bundle = `console.log(${JSON.stringify('a meeting '.repeat(2_000))});\n`;
const gzipped = gzipSync(bundle, { level: 9 });

beforeAll(async () => {
  mkdirSync(join(spaRoot, 'assets'));
  writeFileSync(join(spaRoot, 'index.html'), '<!doctype html><title>QUAL_MEET</title>');
  writeFileSync(join(spaRoot, 'assets/index-abc123.js'), bundle);
  writeFileSync(join(spaRoot, 'assets/index-abc123.js.gz'), gzipped);
  // nginx's workers run as nobody: the temp folders must be readable by them.
  for (const dir of [spaRoot, join(spaRoot, 'assets')]) chmodSync(dir, 0o755);
  nginx = await startLocalNginx({ spaRoot, gateways: ['127.0.0.1:9'], signalingNodes: [] });
});

afterAll(async () => {
  await nginx?.stop();
  rmSync(spaRoot, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: nginx.port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

it('answers Content-Encoding gzip for the bundle, with the precompressed file itself', async () => {
  const response = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip, deflate' });
  expect(response.status).toBe(200);
  expect(response.headers['content-encoding']).toBe('gzip');
  expect(response.headers.vary).toMatch(/Accept-Encoding/);
  expect(response.body.equals(gzipped)).toBe(true);
  expect(gunzipSync(response.body).toString()).toBe(bundle);
});

it('sends the plain file to a client that does not accept gzip', async () => {
  const response = await get('/assets/index-abc123.js', {});
  expect(response.headers['content-encoding']).toBeUndefined();
  expect(response.body.toString()).toBe(bundle);
});
