import { createSql, type Sql } from '@qual-meet/db';
import {
  generateTestKeyPair,
  startDedicatedPostgres,
  type DedicatedPostgres,
} from '@qual-meet/testing';
import { buildApp } from './app';
import { authConfigSchema } from './config';

// This suite stops its own PostgreSQL server, so it runs against a dedicated one.
let postgres: DedicatedPostgres;
let sql: Sql;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  postgres = await startDedicatedPostgres();
  sql = createSql(postgres.urlFor('auth-service'), { connectTimeoutSeconds: 1 });
  const config = authConfigSchema.parse({
    DATABASE_URL: postgres.urlFor('auth-service'),
    JWT_PRIVATE_KEY: generateTestKeyPair().privateKeyPem,
    LOG_LEVEL: 'silent',
  });
  app = await buildApp(config, { sql });
});

afterAll(async () => {
  await app.close();
  await postgres.server.stop();
});

const credentials = { email: 'outage@example.com', password: 'correct horse battery' };
const signup = () => app.inject({ method: 'POST', url: '/api/auth/signup', payload: credentials });
const login = () => app.inject({ method: 'POST', url: '/api/auth/login', payload: credentials });

it('answers 503 DATABASE_UNAVAILABLE quickly while PostgreSQL is down, then recovers', async () => {
  expect((await signup()).statusCode).toBe(201);

  await postgres.server.halt();
  const startedAt = Date.now();
  const during = await login();
  expect(during.statusCode).toBe(503);
  expect(during.json()).toEqual({
    statusCode: 503,
    code: 'DATABASE_UNAVAILABLE',
    error: 'Service Unavailable',
    message: expect.any(String),
  });
  expect(JSON.stringify(during.json())).not.toMatch(/ECONNREFUSED|postgres|stack/i);
  expect(Date.now() - startedAt).toBeLessThan(5_000);
  const signupDuring = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email: 'during@example.com', password: credentials.password },
  });
  expect(signupDuring.statusCode).toBe(503);
  const ready = await app.inject({ url: '/readyz' });
  expect(ready.statusCode).toBe(503);
  expect(ready.json()).toEqual({ status: 'unavailable', checks: { postgres: 'down' } });

  await postgres.server.resume();
  expect((await login()).statusCode).toBe(200);
  expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  // Nothing half-written: the signup refused during the outage left no account behind.
  const rows = await sql`SELECT email FROM users ORDER BY email`;
  expect(rows.map((r) => r.email)).toEqual(['outage@example.com']);
});
