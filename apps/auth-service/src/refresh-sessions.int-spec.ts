import {
  refreshCookieOf,
  startAuthUnderTest,
  withRefresh,
  type AuthUnderTest,
} from './test-support/auth-under-test';

// Refresh rotation through the real service on real PostgreSQL (docs/SECURITY.md, "Accounts,
// tokens and sessions"): one live session per login, whatever the timing of the requests.
let auth: AuthUnderTest;

beforeAll(async () => {
  auth = await startAuthUnderTest({ REFRESH_TOKEN_TTL_DAYS: '45' });
});

afterAll(async () => {
  await auth?.close();
});

const refresh = (token?: string) =>
  auth.post('/api/auth/refresh', undefined, token ? withRefresh(token) : {});

/** Refreshes and expects success; returns the new refresh token. */
async function rotate(token: string): Promise<string> {
  const response = await refresh(token);
  expect(response.statusCode).toBe(200);
  return refreshCookieOf(response)!.value;
}

/** Moves every rotation of a user's tokens a minute into the past: beyond the grace window. */
const ageRotations = (userId: string) =>
  auth.db.sql`UPDATE refresh_tokens SET rotated_at = rotated_at - interval '1 minute'
    WHERE user_id = ${userId} AND rotated_at IS NOT NULL`;

/** The tokens among `tokens` that still refresh (each live one is rotated by the probe). */
async function stillLive(tokens: Iterable<string>): Promise<number> {
  let live = 0;
  for (const token of new Set(tokens)) if ((await refresh(token)).statusCode === 200) live++;
  return live;
}

describe('POST /api/auth/refresh: rotation', () => {
  it('rotates the refresh token and returns a fresh access token', async () => {
    const { body, refresh: first } = await auth.signup();
    const response = await refresh(first);
    expect(response.statusCode).toBe(200);
    expect(response.json().user).toEqual(body.user);
    const rotated = refreshCookieOf(response)?.value;
    expect(rotated).toBeTruthy();
    expect(rotated).not.toBe(first);
    expect((await refresh(rotated)).statusCode).toBe(200);
  });

  it('refuses a missing, unknown or expired token', async () => {
    expect((await refresh()).statusCode).toBe(401);
    expect((await refresh('made-up-token')).statusCode).toBe(401);
    const { body, refresh: token } = await auth.signup();
    await auth.db
      .sql`UPDATE refresh_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = ${body.user.id}`;
    expect((await refresh(token)).statusCode).toBe(401);
  });

  it('does not honour a rotated token after logout, grace or not', async () => {
    const { refresh: parent } = await auth.signup();
    const child = await rotate(parent);
    await auth.post('/api/auth/logout', undefined, withRefresh(child));
    expect((await refresh(parent)).statusCode).toBe(401);
    expect((await refresh(child)).statusCode).toBe(401);
  });
});

describe('POST /api/auth/refresh: inside the grace window', () => {
  it('gives a re-presented parent the session already issued (a reload that lost the cookie)', async () => {
    const { refresh: parent } = await auth.signup();
    const child = await rotate(parent);
    // The reload presents the parent again: it gets the same child back, not a second session.
    expect(await rotate(parent)).toBe(child);
    expect(await stillLive([child])).toBe(1);
  });

  it('refuses the parent once its child has moved on, and leaves that session alone', async () => {
    const { refresh: parent } = await auth.signup();
    const child = await rotate(parent);
    const grandchild = await rotate(child);
    const late = await refresh(parent);
    expect(late.statusCode).toBe(401);
    expect(late.json().code).toBe('INVALID_REFRESH_TOKEN');
    expect(await stillLive([grandchild])).toBe(1);
  });

  it('leaves at most one live descendant after 10 parallel refreshes with one token', async () => {
    const { refresh: parent } = await auth.signup();
    const results = await Promise.all(Array.from({ length: 10 }, () => refresh(parent)));
    const issued = results
      .filter((r) => r.statusCode === 200)
      .map((r) => refreshCookieOf(r)!.value);
    expect(issued.length).toBeGreaterThan(0);
    expect(new Set(issued).size).toBe(1);
    expect(results.every((r) => r.statusCode === 200 || r.statusCode === 401)).toBe(true);
    expect(await stillLive(issued)).toBe(1);
  });
});

describe('POST /api/auth/refresh: after the grace window', () => {
  it('answers a replayed parent 401 and revokes the whole family, newest child included', async () => {
    const { body, refresh: parent } = await auth.signup();
    const child = await rotate(parent);
    const newest = await rotate(child);
    await ageRotations(body.user.id);

    const replay = await refresh(parent);
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('INVALID_REFRESH_TOKEN');
    expect(refreshCookieOf(replay)?.value).toBe('');
    expect(await stillLive([newest, child])).toBe(0);
  });

  it('revokes every session a replay races with: no token issued meanwhile survives', async () => {
    const { body, refresh: parent } = await auth.signup();
    const current = await rotate(parent);
    await ageRotations(body.user.id);

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => refresh(i % 2 === 0 ? current : parent)),
    );
    const issued = results.flatMap((r) =>
      r.statusCode === 200 ? [refreshCookieOf(r)!.value] : [],
    );
    expect(results.filter((r) => r.statusCode === 401).length).toBeGreaterThanOrEqual(5);
    expect(await stillLive([current, ...issued])).toBe(0);
  });
});

describe('POST /api/auth/refresh: a family lives at most REFRESH_SESSION_MAX_DAYS (30)', () => {
  it('never sets a cookie that outlives the family, however long tokens last', async () => {
    const { refresh: first } = await auth.signup();
    const response = await refresh(first);
    expect(response.statusCode).toBe(200);
    const maxAge = refreshCookieOf(response)!.maxAge!;
    expect(maxAge).toBeLessThanOrEqual(30 * 86_400);
    expect(maxAge).toBeGreaterThan(29 * 86_400);
  });

  it('refuses a token of a family started 31 days ago, however fresh the token', async () => {
    const { body, refresh: first } = await auth.signup();
    const current = await rotate(await rotate(first));
    await auth.db.sql`UPDATE refresh_token_families
      SET created_at = created_at - interval '31 days', expires_at = expires_at - interval '31 days'
      WHERE user_id = ${body.user.id}`;
    const response = await refresh(current);
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('INVALID_REFRESH_TOKEN');
  });
});
