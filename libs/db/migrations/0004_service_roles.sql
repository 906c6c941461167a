-- Least privilege per service (docs/SECURITY.md, Deployment). The roles exist before the first
-- migration (ensureDatabaseRoles; docker/postgres/init-roles.sql); this grants what each needs.
-- A new table grants its service here too, in its own migration: nothing is granted by default.
GRANT USAGE ON SCHEMA public TO auth_service, room_service;

-- auth-service: accounts and refresh tokens. Nothing of meetings.
GRANT SELECT, INSERT, UPDATE ON users TO auth_service;
GRANT SELECT, INSERT, UPDATE, DELETE ON refresh_tokens, refresh_token_families TO auth_service;

-- room-service: meetings only. `meetings.host_id` references users, but the foreign key is
-- checked with the owner's rights, so room-service needs (and gets) nothing of `users`: no
-- emails, no password hashes.
GRANT SELECT, INSERT, UPDATE ON meetings TO room_service;
