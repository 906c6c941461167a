-- A session family: every refresh token of one login. Rotations and revocations of a family take
-- its row lock, so they happen one at a time; revoking marks the family, so the newest token
-- falls with the others whenever it was written. `expires_at` caps the family's whole lifetime.
CREATE TABLE refresh_token_families (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamp NOT NULL DEFAULT now(),
  expires_at timestamp NOT NULL,
  revoked_at timestamp
);
CREATE INDEX refresh_token_families_user_id_idx ON refresh_token_families (user_id);

INSERT INTO refresh_token_families (id, user_id, created_at, expires_at, revoked_at)
SELECT family_id, (array_agg(user_id))[1], min(created_at), max(expires_at),
  CASE WHEN bool_or(revoked_at IS NOT NULL) THEN max(revoked_at) END
FROM refresh_tokens GROUP BY family_id;

-- A rotated token remembers its successor, sealed with a key only the rotated token itself
-- derives (the table keeps hashes, never a usable token): presented again inside the grace
-- window, it gets that same successor back instead of starting a second session.
ALTER TABLE refresh_tokens
  ADD CONSTRAINT refresh_tokens_family_id_fkey
    FOREIGN KEY (family_id) REFERENCES refresh_token_families (id) ON DELETE CASCADE,
  ADD COLUMN successor_id uuid REFERENCES refresh_tokens (id) ON DELETE SET NULL,
  ADD COLUMN successor_sealed bytea,
  DROP COLUMN revoked_at;
