import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import type { Sql, TransactionSql } from '@qual-meet/db';

/** A new opaque refresh token: 256 random bits, base64url. Only its SHA-256 is stored. */
function newToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashOf(token) };
}

const hashOf = (token: string) => createHash('sha256').update(token).digest();

/**
 * The key that seals a token's successor: derived from the token itself, so only someone who
 * presents it can open the seal (the table holds its hash, from which the key cannot be had).
 */
const sealKeyOf = (token: string) =>
  Buffer.from(hkdfSync('sha256', token, '', 'qual-meet refresh successor', 32));

/** AES-256-GCM: iv (12) ‖ tag (16) ‖ ciphertext. */
function seal(key: string, secret: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKeyOf(key), iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

function unseal(key: string, sealed: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', sealKeyOf(key), sealed.subarray(0, 12));
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
}

export interface RefreshTokenStoreOptions {
  ttlDays: number;
  /** A family (one login and every rotation after it) ends this long after the login. */
  sessionMaxDays: number;
  /**
   * How long a just-rotated token still gets its successor back. A browser that reloads while a
   * refresh is in flight never stores the answer's new cookie and presents the old one again a
   * moment later: that is not theft. Past this window a rotated token is treated as stolen.
   */
  reuseGraceSeconds: number;
}

/** A refresh token handed to the client, and when it (and its cookie) expires. */
export interface IssuedRefreshToken {
  token: string;
  expiresAt: Date;
}

export type RotationResult =
  | ({ outcome: 'rotated'; userId: string } & IssuedRefreshToken)
  /** Inside the grace window: the successor the first presentation got, handed out again. */
  | ({ outcome: 'reissued'; userId: string } & IssuedRefreshToken)
  /** Unknown, expired, revoked, or rotated with its successor already rotated too: refuse. */
  | { outcome: 'invalid' }
  /** A token rotated longer ago than the grace came back: someone holds a copy. Family revoked. */
  | { outcome: 'reused'; userId: string };

interface PresentedRow {
  id: string;
  expired: boolean;
  rotated: boolean;
  in_grace: boolean;
  successor_sealed: Buffer | null;
  successor_live: boolean;
  successor_expires_at: Date | null;
}

/**
 * Refresh tokens with rotation and reuse detection, one live session per login. Every login
 * starts a family; `rotate` swaps a live token for its successor; a rotated token presented
 * again inside the grace window gets that same successor (never a second branch); later, it
 * revokes the family, which logs out both the thief and the victim (who simply logs in again).
 * Every change to a family happens under the family row's lock.
 */
export class RefreshTokenStore {
  constructor(
    private readonly sql: Sql,
    private readonly options: RefreshTokenStoreOptions,
  ) {}

  /** Starts a new family for a user (login, signup). */
  async issue(userId: string, tx: Sql | TransactionSql = this.sql): Promise<IssuedRefreshToken> {
    const familyId = randomUUID();
    await tx`
      INSERT INTO refresh_token_families (id, user_id, expires_at)
      VALUES (${familyId}, ${userId}, now() + make_interval(days => ${this.options.sessionMaxDays}))`;
    const { token, expiresAt } = await this.insertToken(tx, userId, familyId);
    return { token, expiresAt };
  }

  async rotate(presented: string): Promise<RotationResult> {
    const hash = hashOf(presented);
    return this.sql.begin(async (tx): Promise<RotationResult> => {
      const [family] = await tx<{ id: string; user_id: string; live: boolean }[]>`
        SELECT f.id, f.user_id, f.revoked_at IS NULL AND f.expires_at > now() AS live
        FROM refresh_token_families f
        WHERE f.id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ${hash})
        FOR UPDATE`;
      if (!family?.live) return { outcome: 'invalid' };
      // Read under the family's lock: no other rotation of this family is under way.
      const [row] = await tx<PresentedRow[]>`
        SELECT t.id, t.expires_at <= now() AS expired, t.rotated_at IS NOT NULL AS rotated,
          coalesce(t.rotated_at > now() - make_interval(secs => ${this.options.reuseGraceSeconds}), false) AS in_grace,
          t.successor_sealed,
          coalesce(s.rotated_at IS NULL AND s.expires_at > now(), false) AS successor_live,
          s.expires_at AS successor_expires_at
        FROM refresh_tokens t LEFT JOIN refresh_tokens s ON s.id = t.successor_id
        WHERE t.token_hash = ${hash}`;
      if (!row || row.expired) return { outcome: 'invalid' };
      const userId = family.user_id;
      if (!row.rotated) {
        const { id, token, expiresAt } = await this.insertToken(tx, userId, family.id);
        await tx`
          UPDATE refresh_tokens SET rotated_at = now(), successor_id = ${id},
            successor_sealed = ${seal(presented, token)}
          WHERE id = ${row.id}`;
        return { outcome: 'rotated', userId, token, expiresAt };
      }
      if (!row.in_grace) {
        await tx`UPDATE refresh_token_families SET revoked_at = now() WHERE id = ${family.id}`;
        return { outcome: 'reused', userId };
      }
      if (!row.successor_live || !row.successor_sealed || !row.successor_expires_at)
        return { outcome: 'invalid' };
      const token = unseal(presented, row.successor_sealed);
      return { outcome: 'reissued', userId, token, expiresAt: row.successor_expires_at };
    });
  }

  /** Revokes the family of `presented` (logout). Unknown tokens are ignored. */
  async revoke(presented: string): Promise<void> {
    await this.sql`
      UPDATE refresh_token_families SET revoked_at = now()
      WHERE revoked_at IS NULL
        AND id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ${hashOf(presented)})`;
  }

  /** A new token of a family, expiring with its own lifetime or the family's, whichever is first. */
  private async insertToken(
    tx: Sql | TransactionSql,
    userId: string,
    familyId: string,
  ): Promise<IssuedRefreshToken & { id: string }> {
    const { token, hash } = newToken();
    const [row] = await tx<{ id: string; expires_at: Date }[]>`
      INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
      SELECT ${userId}, ${familyId}, ${hash},
        least(now() + make_interval(days => ${this.options.ttlDays}), f.expires_at)
      FROM refresh_token_families f WHERE f.id = ${familyId}
      RETURNING id, expires_at`;
    return { id: row!.id, token, expiresAt: row!.expires_at };
  }
}
