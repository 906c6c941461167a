/**
 * Bundles a Node service (`<projectRoot>/src/main.ts`) into `dist/<projectRoot>/main.mjs`: one ESM
 * file with the workspace libs inlined and npm packages left as imports, so a production image
 * needs only the bundle and `npm ci --omit=dev`.
 *
 * Usage: tsx tools/build/bundle-service.ts apps/auth-service
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const projectRoot = process.argv[2];
if (!projectRoot) {
  process.stderr.write('usage: bundle-service <projectRoot>\n');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

await build({
  entryPoints: [join(projectRoot, 'src/main.ts')],
  outfile: join('dist', projectRoot, 'main.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  tsconfig: 'tsconfig.base.json',
  external: [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)],
  logLevel: 'warning',
});
