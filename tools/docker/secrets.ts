import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseRoles, type DatabaseRole } from '@qual-meet/db';
import {
  generateRedisCredentials,
  redisAclFile,
  redisUrlAs,
  type RedisServiceUser,
} from '@qual-meet/redis';
import { generateStackSecrets } from '@qual-meet/stack';
import { randomBytes } from 'node:crypto';

/** Where compose reads its secrets from (git-ignored), relative to the workspace root. */
export const DOCKER_SECRETS_DIR = 'docker/secrets';

const password = () => randomBytes(24).toString('hex');

/**
 * Every Docker secret of docker/compose.yaml, by file name: the signing key pair, the TURN
 * secret, a password per Postgres role, the Redis ACL file, and each service's connection URLs
 * with its own login in them. Generated together, so the URLs match the ACL and the roles.
 */
export function dockerSecretFiles(): Record<string, string> {
  const stack = generateStackSecrets();
  const redis = generateRedisCredentials();
  const roles = Object.fromEntries(
    (['postgres', ...Object.values(DatabaseRoles)] as const).map((role) => [role, password()]),
  ) as Record<DatabaseRole | 'postgres', string>;
  const database = (role: DatabaseRole) =>
    `postgres://${role}:${roles[role]}@postgres:5432/qualmeet`;
  const redisUrl = (user: RedisServiceUser) =>
    redisUrlAs({ host: 'redis', port: 6379 }, user, redis.services[user]);
  return {
    jwt_private_key: stack.jwtPrivateKey,
    jwt_public_key: stack.jwtPublicKey,
    turn_secret: stack.turnSecret,
    postgres_password: roles.postgres,
    postgres_owner_password: roles[DatabaseRoles.owner],
    postgres_auth_password: roles[DatabaseRoles['auth-service']],
    postgres_room_password: roles[DatabaseRoles['room-service']],
    migrate_database_url: database(DatabaseRoles.owner),
    auth_database_url: database(DatabaseRoles['auth-service']),
    room_database_url: database(DatabaseRoles['room-service']),
    redis_acl: redisAclFile(redis),
    redis_gateway_url: redisUrl('api-gateway'),
    redis_room_url: redisUrl('room-service'),
    redis_turn_url: redisUrl('turn-credential-service'),
    redis_signaling_url: redisUrl('signaling-service'),
  };
}

/**
 * Writes the secrets into `dir`, unless it holds them already (secrets are made once; delete the
 * folder to rotate them all). The folder is 0700; the files are 0644 because compose mounts them
 * with their host permissions and each image runs as its own non-root user.
 */
export function writeDockerSecrets(dir: string): 'written' | 'kept' {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o700);
  const files = dockerSecretFiles();
  const present = Object.keys(files).filter((name) => existsSync(join(dir, name)));
  if (present.length === Object.keys(files).length) return 'kept';
  // Topping up would pair new passwords with old URLs or an old ACL file.
  if (present.length > 0) {
    throw new Error(`${dir} holds only some of the secrets; delete it to generate them all anew`);
  }
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), content.endsWith('\n') ? content : `${content}\n`, {
      mode: 0o644,
    });
  }
  return 'written';
}
