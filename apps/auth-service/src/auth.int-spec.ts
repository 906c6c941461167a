import { createAccessTokenVerifier } from '@qual-meet/server-kit';
import {
  claimsFor,
  badAuthorizationHeaders,
  signTestToken,
  type TestDatabase,
  validationFailedFor,
} from '@qual-meet/testing';
import {
  PASSWORD as password,
  refreshCookieOf,
  startAuthUnderTest,
  uniqueEmail,
  withRefresh,
  type AuthUnderTest,
} from './test-support/auth-under-test';

// Refresh rotation has its own suite: refresh-sessions.int-spec.ts.
let auth: AuthUnderTest;
let app: AuthUnderTest['app'];
let db: TestDatabase;
let keys: AuthUnderTest['keys'];

beforeAll(async () => {
  auth = await startAuthUnderTest();
  ({ app, db, keys } = auth);
});

afterAll(async () => {
  await auth?.close();
});

const post = (url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  auth.post(url, payload, headers);
const signup = (email?: string) => auth.signup(email);

describe('POST /api/auth/signup', () => {
  it('creates the account, returns a session and sets the refresh cookie', async () => {
    const response = await post('/api/auth/signup', {
      email: '  New.Person@Example.COM ',
      password,
    });

    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: 'new.person@example.com',
      createdAt: expect.any(String),
    });
    expect(Math.abs(Date.parse(body.user.createdAt) - Date.now())).toBeLessThan(60_000);
    expect(body.expiresIn).toBe(900);
    expect(Object.keys(body).sort()).toEqual(['accessToken', 'expiresIn', 'user']);
    const cookie = refreshCookieOf(response);
    expect(cookie).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/api/auth',
      secure: true,
    });
    expect(cookie?.value).toMatch(/^[\w-]{43}$/);
  });

  it('issues an RS256 token the shared verifier accepts, with the JWKS key id', async () => {
    const { body } = await signup();
    const verify = createAccessTokenVerifier({
      publicKeys: [keys.publicKeyPem],
      issuer: 'qual-meet',
      audience: 'qual-meet',
    });
    expect(verify(body.accessToken)).toEqual({
      userId: body.user.id,
      email: body.user.email,
      expiresAtMs: expect.any(Number),
    });
    const [header, payload] = body.accessToken
      .split('.')
      .slice(0, 2)
      .map((part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'RS256', kid: keys.kid });
    expect(payload).toMatchObject({ sub: body.user.id, iss: 'qual-meet', aud: 'qual-meet' });
    expect(payload.exp - payload.iat).toBe(900);
  });

  it('stores the password as an argon2id hash, never in clear', async () => {
    const { email } = await signup();
    const [row] = await db.sql<
      { password_hash: string }[]
    >`SELECT password_hash FROM users WHERE email = ${email}`;
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('refuses a registered email whatever its case: 409 EMAIL_TAKEN, nothing written', async () => {
    const { email } = await signup();
    const before = await db.sql`SELECT count(*)::int AS n FROM refresh_tokens`;
    const response = await post('/api/auth/signup', { email: email.toUpperCase(), password });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({
      statusCode: 409,
      code: 'EMAIL_TAKEN',
      error: 'Conflict',
      message: expect.any(String),
    });
    const after = await db.sql`SELECT count(*)::int AS n FROM refresh_tokens`;
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it.each([
    ['a missing email', { password }, 'email'],
    ['a malformed email', { email: 'not-an-email', password }, 'email'],
    [
      'an email over 255 characters',
      { email: `${'a'.repeat(250)}@example.com`, password },
      'email',
    ],
    [
      'a password under 8 characters',
      { email: 'short@example.com', password: 'seven77' },
      'password',
    ],
    [
      'a password over 128 characters',
      { email: 'long@example.com', password: 'p'.repeat(129) },
      'password',
    ],
    [
      'a password that is not a string',
      { email: 'num@example.com', password: 12345678 },
      'password',
    ],
    ['an unknown field', { email: 'extra@example.com', password, isAdmin: true }, 'isAdmin'],
  ])('answers 400 VALIDATION_FAILED naming the field for %s', async (_case, payload, field) => {
    const response = await post('/api/auth/signup', payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject(validationFailedFor(field));
    expect(response.json().message).toContain(field);
  });

  it('answers 400 INVALID_JSON for malformed JSON and for an empty JSON body', async () => {
    for (const payload of ['{"email": "x@example.com", ', '']) {
      const response = await post('/api/auth/signup', payload, {
        'content-type': 'application/json',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('INVALID_JSON');
    }
  });

  it('answers 415 for a body that is not JSON', async () => {
    const response = await post('/api/auth/signup', 'email=a@b.c', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 for a body over 16 KiB', async () => {
    const response = await post('/api/auth/signup', {
      email: 'big@example.com',
      password: 'x'.repeat(17 * 1024),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      error: 'Payload Too Large',
    });
  });
});

describe('POST /api/auth/login', () => {
  it('logs in with the right password, any email case, and starts a new session', async () => {
    const { email } = await signup();
    const response = await post('/api/auth/login', { email: ` ${email.toUpperCase()} `, password });
    expect(response.statusCode).toBe(200);
    expect(response.json().user.email).toBe(email);
    expect(refreshCookieOf(response)?.value).toBeTruthy();
  });

  it('gives the same 401 for a wrong password and an unknown email', async () => {
    const { email } = await signup();
    const wrong = await post('/api/auth/login', { email, password: 'wrong password' });
    const unknown = await post('/api/auth/login', { email: uniqueEmail(), password });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', error: 'Unauthorized' });
    expect(refreshCookieOf(wrong)).toBeUndefined();
  });

  it('validates its body', async () => {
    const response = await post('/api/auth/login', { email: 'someone@example.com' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'password' });
  });
});

describe('POST /api/auth/logout', () => {
  it('revokes the session and clears the cookie', async () => {
    const { refresh } = await signup();
    const response = await post('/api/auth/logout', undefined, withRefresh(refresh));
    expect(response.statusCode).toBe(204);
    expect(refreshCookieOf(response)).toMatchObject({ value: '', path: '/api/auth' });
    expect((await post('/api/auth/refresh', undefined, withRefresh(refresh))).statusCode).toBe(401);
  });

  it('answers 204 without a session too', async () => {
    expect((await post('/api/auth/logout')).statusCode).toBe(204);
  });
});

describe('GET /api/auth/me and the bearer verification', () => {
  const me = (authorization?: string) =>
    app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: authorization ? { authorization } : {},
    });

  it('returns the caller for a valid token', async () => {
    const { body } = await signup();
    const response = await me(`Bearer ${body.accessToken}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ user: body.user });
  });

  it('refuses every kind of bad token with the same 401', async () => {
    const { body } = await signup();
    const claims = claimsFor(body.user.id, body.user.email);
    const cases = badAuthorizationHeaders(keys, claims, body.accessToken);
    for (const [name, header] of Object.entries(cases)) {
      const response = await me(header);
      expect({ name, status: response.statusCode, code: response.json().code }).toEqual({
        name,
        status: 401,
        code: 'UNAUTHORIZED',
      });
    }
  });

  it('accepts a token a few seconds past expiry (clock leeway) but not minutes', async () => {
    const { body } = await signup();
    const claims = claimsFor(body.user.id, body.user.email);
    const justExpired = signTestToken(keys, claims, { issuedAtMs: Date.now() - 902_000 });
    const longExpired = signTestToken(keys, claims, { issuedAtMs: Date.now() - 960_000 });
    expect((await me(`Bearer ${justExpired}`)).statusCode).toBe(200);
    expect((await me(`Bearer ${longExpired}`)).statusCode).toBe(401);
  });
});

describe('GET /api/auth/.well-known/jwks.json', () => {
  it('publishes the public key only, under its kid', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/auth/.well-known/jwks.json' });
    expect(response.statusCode).toBe(200);
    const { keys: published } = response.json();
    expect(published).toHaveLength(1);
    expect(Object.keys(published[0]).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(published[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: keys.kid });
  });
});

describe('operations', () => {
  it('serves /healthz and /readyz, and echoes a sane x-request-id', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ url: '/readyz', headers: { 'x-request-id': 'req-123' } });
    expect(ready.json()).toEqual({ status: 'ok', checks: { postgres: 'up' } });
    expect(ready.headers['x-request-id']).toBe('req-123');
    const odd = await app.inject({
      url: '/healthz',
      headers: { 'x-request-id': 'bad id\nwith newline' },
    });
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown paths with a 404 JSON error', async () => {
    const response = await app.inject({ url: '/api/auth/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND', error: 'Not Found' });
  });
});
