import { defineScript, RedisKeys, type Redis, type RedisScript } from '@qual-meet/redis';
import { CLAIM_SOCKET_LUA } from './scripts/claim-socket';
import { COUNT_JOIN_LUA } from './scripts/count-join';
import { JOIN_WINDOW_MS, type UserQuotas } from './user-quotas';

/** Longer than any socket lives without its user opening another; only a safety net. */
const SOCKETS_TTL_SECONDS = 24 * 60 * 60;
/** Stands for the node id in the alive key template, so RedisKeys alone spells the key. */
const NODE = '\x01';

/** {@link UserQuotas} in Redis, shared by every node. */
export class RedisUserQuotas implements UserQuotas {
  private readonly claimScript: RedisScript<unknown>;
  private readonly countScript: RedisScript<unknown>;

  constructor(private readonly redis: Redis) {
    this.claimScript = defineScript(redis, 'qmClaimSocket', {
      numberOfKeys: 1,
      lua: CLAIM_SOCKET_LUA,
    });
    this.countScript = defineScript(redis, 'qmCountJoin', { numberOfKeys: 1, lua: COUNT_JOIN_LUA });
  }

  async claimSocket(
    userId: string,
    connection: string,
    runId: string,
    limit: number,
  ): Promise<boolean> {
    const taken = await this.claimScript(
      [RedisKeys.userSockets(userId)],
      [connection, runId, limit, RedisKeys.nodeAlive(NODE), SOCKETS_TTL_SECONDS],
    );
    return taken === 1;
  }

  async releaseSocket(userId: string, connection: string): Promise<void> {
    await this.redis.hdel(RedisKeys.userSockets(userId), connection);
  }

  async countJoin(userId: string): Promise<number> {
    return Number(await this.countScript([RedisKeys.userJoins(userId)], [JOIN_WINDOW_MS]));
  }
}
