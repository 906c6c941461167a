import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from '@qual-meet/db';

/** A new opaque refresh token: 256 random bits, base64url. Only its SHA-256 is stored. */
function newToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOf(token) };
}

const hashOf = (token: string) => createHash('sha256').update(token).digest();

export interface RefreshTokenStoreOptions {
  ttlDays: number;
  /**
   * How long a just-rotated token is still honoured. A browser that reloads while a refresh is in
   * flight never stores the answer's new cookie and presents the old one again a moment later:
   * that is not theft. Past this window a rotated token is treated as stolen.
   */
  reuseGraceSeconds: number;
}

export type RotationResult =
  | { outcome: 'rotated'; userId: string; token: string }
  /** Unknown, expired or revoked: refuse. */
  | { outcome: 'invalid' }
  /** A token that was already rotated came back: someone holds a copy. The family is revoked. */
  | { outcome: 'reused'; userId: string };

/**
 * Refresh tokens with rotation and reuse detection. Every login starts a family; `rotate` swaps a
 * live token for a new one of the same family; presenting a rotated token revokes the family,
 * which logs out both the thief and the victim (who simply logs in again).
 */
export class RefreshTokenStore {
  constructor(
    private readonly sql: Sql,
    private readonly options: RefreshTokenStoreOptions,
  ) {}

  private expiry(): Date {
    return new Date(Date.now() + this.options.ttlDays * 86_400_000);
  }

  /** Starts a new family for a user (login, signup). */
  async issue(userId: string, tx: Sql | TransactionSql = this.sql): Promise<string> {
    const { token, hash } = newToken();
    await tx`
      INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
      VALUES (${userId}, ${randomUUID()}, ${hash}, ${this.expiry()})`;
    return token;
  }

  async rotate(presented: string): Promise<RotationResult> {
    return this.sql.begin(async (tx): Promise<RotationResult> => {
      const [row] = await tx<
        {
          id: string;
          user_id: string;
          family_id: string;
          expired: boolean;
          rotated_at: Date | null;
          revoked_at: Date | null;
          in_grace: boolean;
        }[]
      >`
        SELECT id, user_id, family_id, rotated_at, revoked_at, expires_at <= now() AS expired,
          coalesce(rotated_at > now() - make_interval(secs => ${this.options.reuseGraceSeconds}), false) AS in_grace
        FROM refresh_tokens WHERE token_hash = ${hashOf(presented)}
        FOR UPDATE`;
      if (!row) return { outcome: 'invalid' };
      if (row.rotated_at && !row.in_grace) {
        await this.revokeFamily(tx, row.family_id);
        return { outcome: 'reused', userId: row.user_id };
      }
      if (row.revoked_at || row.expired) return { outcome: 'invalid' };
      const { token, hash } = newToken();
      if (!row.rotated_at)
        await tx`UPDATE refresh_tokens SET rotated_at = now() WHERE id = ${row.id}`;
      await tx`
        INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
        VALUES (${row.user_id}, ${row.family_id}, ${hash}, ${this.expiry()})`;
      return { outcome: 'rotated', userId: row.user_id, token };
    });
  }

  /** Revokes the family of `presented` (logout). Unknown tokens are ignored. */
  async revoke(presented: string): Promise<void> {
    await this.sql`
      UPDATE refresh_tokens SET revoked_at = now()
      WHERE revoked_at IS NULL AND family_id = (
        SELECT family_id FROM refresh_tokens WHERE token_hash = ${hashOf(presented)}
      )`;
  }

  private async revokeFamily(tx: TransactionSql, familyId: string): Promise<void> {
    await tx`UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = ${familyId} AND revoked_at IS NULL`;
  }
}
