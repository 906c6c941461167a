import type { LightMyRequestResponse } from 'fastify';
import { createSql } from '@qual-meet/db';
import {
  createTestDatabase,
  generateTestKeyPair,
  type TestDatabase,
  type TestKeyPair,
} from '@qual-meet/testing';
import { buildApp } from '../app';
import { authConfigSchema } from '../config';
import { REFRESH_COOKIE } from '../routes/auth-routes';

export interface AuthUnderTest {
  /** The real auth service, in-process: tests drive it with `inject`. */
  app: Awaited<ReturnType<typeof buildApp>>;
  db: TestDatabase;
  keys: TestKeyPair;
  post(
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  /** Signs a new person up: their email, the 201 body and their first refresh token. */
  signup(email?: string): Promise<{ email: string; body: SessionBody; refresh: string }>;
  close(): Promise<void>;
}

export interface SessionBody {
  user: { id: string; email: string; createdAt: string };
  accessToken: string;
  expiresIn: number;
}

export const PASSWORD = 'correct horse battery';

export const refreshCookieOf = (response: LightMyRequestResponse) =>
  response.cookies.find((c) => c.name === REFRESH_COOKIE);

export const withRefresh = (token: string) => ({ cookie: `${REFRESH_COOKIE}=${token}` });

let counter = 0;
export const uniqueEmail = () => `person${++counter}.${process.pid}.${Date.now()}@example.com`;

/** auth-service on its own copy of the migrated test database; `env` adds settings. */
export async function startAuthUnderTest(env: Record<string, string> = {}): Promise<AuthUnderTest> {
  const keys = generateTestKeyPair();
  const db = await createTestDatabase();
  const config = authConfigSchema.parse({
    DATABASE_URL: db.urlFor('auth-service'),
    JWT_PRIVATE_KEY: keys.privateKeyPem,
    LOG_LEVEL: 'silent',
    ...env,
  });
  // The service logs in as its own role; `db.sql` (the owner) stays for arranging and asserting.
  const app = await buildApp(config, { sql: createSql(config.databaseUrl) });
  const post: AuthUnderTest['post'] = (url, payload, headers = {}) =>
    app.inject({ method: 'POST', url, payload: payload as never, headers });
  return {
    app,
    db,
    keys,
    post,
    async signup(email = uniqueEmail()) {
      const response = await post('/api/auth/signup', { email, password: PASSWORD });
      expect(response.statusCode).toBe(201);
      return { email, body: response.json(), refresh: refreshCookieOf(response)!.value };
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
