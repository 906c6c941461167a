/**
 * Generates the Docker secrets of docker/compose.yaml into docker/secrets/ (git-ignored), once:
 * `npx tsx --tsconfig tools/tsconfig.json tools/scripts/docker-secrets.ts`.
 */
import { join } from 'node:path';
import { workspaceRoot } from '@qual-meet/local-servers';
import { DOCKER_SECRETS_DIR, writeDockerSecrets } from '../docker/secrets';

const outcome = writeDockerSecrets(join(workspaceRoot(), DOCKER_SECRETS_DIR));
process.stdout.write(
  outcome === 'written'
    ? `wrote the secrets into ${DOCKER_SECRETS_DIR}/\n`
    : `${DOCKER_SECRETS_DIR}/ already holds every secret; delete it to rotate them\n`,
);
