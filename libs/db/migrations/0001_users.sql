-- Accounts. Emails are stored trimmed and lower-cased, so the plain unique constraint is also
-- case-insensitive; the check keeps any writer honest.
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email varchar(255) UNIQUE NOT NULL CHECK (email = lower(btrim(email))),
  password_hash varchar(255) NOT NULL,
  created_at timestamp DEFAULT now()
);

-- Refresh tokens: only a SHA-256 of the opaque token is kept. Each login starts a family; every
-- refresh rotates to a new row of the same family. Presenting a rotated token again is reuse,
-- and revokes the whole family.
CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  family_id uuid NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamp NOT NULL DEFAULT now(),
  expires_at timestamp NOT NULL,
  rotated_at timestamp,
  revoked_at timestamp
);
CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id);
