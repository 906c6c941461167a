import type { Sql } from './client';

/** The services that use PostgreSQL, each logging in as a role of its own. */
export const DATABASE_SERVICES = ['auth-service', 'room-service'] as const;
export type DatabaseService = (typeof DATABASE_SERVICES)[number];

/**
 * Role names. The owner owns the schema and runs the migrations; the services get only the
 * privileges the migrations grant them (`0004_service_roles.sql` and later): room-service
 * cannot read `users` at all, so a compromised room-service reads no password hashes.
 */
export const DatabaseRoles = {
  owner: 'qualmeet_owner',
  'auth-service': 'auth_service',
  'room-service': 'room_service',
} as const satisfies Record<'owner' | DatabaseService, string>;

export type DatabaseRole = (typeof DatabaseRoles)[keyof typeof DatabaseRoles];

/** Passwords by role; none where the server trusts loopback (tests, the local stack). */
export type RolePasswords = Partial<Record<DatabaseRole, string>>;

/**
 * Creates the owner and service roles that do not exist yet (roles belong to the whole server,
 * so another database of it may have made them), and sets the given passwords. Run as a
 * superuser before the first migration: the migrations grant to these roles.
 */
export async function ensureDatabaseRoles(
  admin: Sql,
  passwords: RolePasswords = {},
): Promise<void> {
  for (const role of Object.values(DatabaseRoles)) {
    const [exists] = await admin`SELECT 1 FROM pg_roles WHERE rolname = ${role}`;
    if (!exists)
      await admin.unsafe(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    const password = passwords[role];
    if (password !== undefined) {
      await admin.unsafe(`ALTER ROLE ${role} PASSWORD ${quoteLiteral(password)}`);
    }
  }
}

/** Creates `name` owned by the owner role, from `template` when given. */
export async function createOwnedDatabase(
  admin: Sql,
  name: string,
  template?: string,
): Promise<void> {
  await admin.unsafe(
    `CREATE DATABASE ${name} OWNER ${DatabaseRoles.owner}${template ? ` TEMPLATE ${template}` : ''}`,
  );
}

/** A string literal for utility statements that take no parameters (ALTER ROLE … PASSWORD). */
function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
