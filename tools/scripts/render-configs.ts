/**
 * Writes the production nginx and coturn configs under docker/ from the same code that
 * configures the local stack and the tests. A unit test fails when the committed files drift.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedDockerConfigs, workspaceRoot } from '@qual-meet/local-servers';

for (const [path, text] of Object.entries(generatedDockerConfigs())) {
  const file = join(workspaceRoot(), path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  process.stdout.write(`wrote ${path}\n`);
}
