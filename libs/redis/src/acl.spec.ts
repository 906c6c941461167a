import { RedisKeys } from './keys';
import {
  REDIS_GRANTS,
  REDIS_SERVICE_USERS,
  redisAclFile,
  redisAclRule,
  redisUrlAs,
  generateRedisCredentials,
} from './acl';

/** Redis glob matching for the patterns used here (`*` only). */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const matches = (pattern: string, key: string) =>
  new RegExp(`^${pattern.split('*').map(escape).join('.*')}$`).test(key);

const sample = 'x';
const keyOf = (builder: (...args: string[]) => string) =>
  builder(...Array.from({ length: builder.length }, () => sample));

describe('Redis ACL grants', () => {
  it('give every key of RedisKeys to some service (a new key needs a grant)', () => {
    const keyBuilders = Object.entries(RedisKeys).filter(([name]) => name !== 'roomEvents');
    for (const [name, builder] of keyBuilders) {
      const key =
        name === 'rateLimitPrefix' ? `${RedisKeys.rateLimitPrefix('gateway')}k` : keyOf(builder);
      const owners = REDIS_SERVICE_USERS.filter((user) =>
        [...REDIS_GRANTS[user].keys, ...(REDIS_GRANTS[user].readKeys ?? [])].some((p) =>
          matches(p, key),
        ),
      );
      expect({ name, owned: owners.length > 0 }).toEqual({ name, owned: true });
    }
  });

  it('let exactly one service write the meeting cache; signaling only reads it', () => {
    const room = RedisKeys.room(sample);
    const writers = REDIS_SERVICE_USERS.filter((u) =>
      REDIS_GRANTS[u].keys.some((p) => matches(p, room)),
    );
    expect(writers).toEqual(['room-service']);
    expect(REDIS_GRANTS['signaling-service'].readKeys).toEqual([RedisKeys.room('*')]);
  });

  it('never grant commands that reach beyond the granted keys', () => {
    for (const user of REDIS_SERVICE_USERS) {
      const rule = redisAclRule(user, 'pw');
      expect(rule).not.toMatch(/\+@|\+flush|\+config|\+keys|\+scan|\+acl|\+debug|\+script\b/);
      expect(rule).toMatch(/ -@all /);
    }
  });

  it('write ACL files with hashed passwords and a password-protected default user', () => {
    const credentials = generateRedisCredentials();
    const file = redisAclFile(credentials);
    expect(file).not.toContain(credentials.admin);
    for (const user of REDIS_SERVICE_USERS) expect(file).not.toContain(credentials.services[user]);
    expect(file.split('\n')[0]).toMatch(/^user default on #[0-9a-f]{64} ~\* &\* \+@all$/);
    expect(file).not.toContain('nopass');
  });

  it('build URLs with the user and an encoded password', () => {
    expect(redisUrlAs({ host: '127.0.0.1', port: 6379, db: 3 }, 'room-service', 'p/w')).toBe(
      'redis://room-service:p%2Fw@127.0.0.1:6379/3',
    );
  });
});
