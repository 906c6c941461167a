-- Runs once, when the postgres container initialises an empty data volume (as the superuser,
-- from /docker-entrypoint-initdb.d). Creates the owner role that runs the migrations and a role
-- per service, with passwords read from Docker secrets (psql's backquotes run `cat` on a path:
-- no password on any command line), and hands the database to the owner. The migrations then
-- grant each service its tables (libs/db/migrations/0004_service_roles.sql).
\set owner_password `cat /run/secrets/postgres_owner_password`
\set auth_password `cat /run/secrets/postgres_auth_password`
\set room_password `cat /run/secrets/postgres_room_password`

CREATE ROLE qualmeet_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE auth_service LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'auth_password';
CREATE ROLE room_service LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'room_password';

ALTER DATABASE qualmeet OWNER TO qualmeet_owner;
-- Nobody but the roles above connects to the application's database.
REVOKE CONNECT ON DATABASE qualmeet FROM PUBLIC;
GRANT CONNECT ON DATABASE qualmeet TO qualmeet_owner, auth_service, room_service;
