import { claimsFor, badAuthorizationHeaders } from '@qual-meet/testing';
import { useGatewayUnderTest } from './test-support/gateway-under-test';

// The gateway runs in-process (inject); auth-service runs for real as its own process.
const gateway = useGatewayUnderTest({
  upstreams: ['auth-service'],
  gatewayEnv: {
    LOGIN_FAILURES_PER_ACCOUNT: '3',
    LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: '1000',
    RATE_LIMIT_USER_PER_MINUTE: '40',
    SIGNUPS_PER_IP_PER_HOUR: '1000',
  },
});

const password = 'correct horse battery';
let counter = 0;
const newEmail = () => `gw${++counter}.${Date.now()}@example.com`;

async function signup(email = newEmail()) {
  const response = await gateway.app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email, password },
  });
  expect(response.statusCode).toBe(201);
  return {
    email,
    ...(response.json() as { accessToken: string; user: { id: string; email: string } }),
  };
}

const meCallsSeenByAuth = () => gateway.callsSeenBy('auth-service', 'GET', '/api/auth/me');

describe('routing to auth-service', () => {
  it('proxies signup, login, me, refresh and JWKS with their real answers', async () => {
    const { email, accessToken, user } = await signup();
    const login = await gateway.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password },
    });
    expect(login.statusCode).toBe(200);
    const cookie = login.cookies.find((c) => c.name === 'qm_refresh')!;
    const me = await gateway.app.inject({
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(me.json()).toEqual({ user });
    const refresh = await gateway.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      cookies: { qm_refresh: cookie.value },
    });
    expect(refresh.statusCode).toBe(200);
    const jwks = await gateway.app.inject({ url: '/api/auth/.well-known/jwks.json' });
    expect(jwks.json().keys[0].kid).toBe(gateway.keys.kid);
  });

  it('passes the service errors through unchanged', async () => {
    const { email } = await signup();
    const duplicate = await gateway.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email, password },
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ code: 'EMAIL_TAKEN' });
    const invalid = await gateway.app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: 'x', password },
    });
    expect(invalid.json()).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      field: 'email',
    });
  });

  it('answers malformed JSON, other media types and oversized bodies itself', async () => {
    const bad = await gateway.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.json()).toMatchObject({ statusCode: 400, code: 'INVALID_JSON' });
    const big = await gateway.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'a@b.co', password: 'x'.repeat(20_000) },
    });
    expect(big.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const other = await gateway.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: 'email=a@b.co',
        headers: { 'content-type': contentType },
      });
      expect(other.json()).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
  });

  it('forwards its request id to the service and returns it', async () => {
    const response = await gateway.app.inject({
      url: '/api/auth/.well-known/jwks.json',
      headers: { 'x-request-id': 'trace-me-42' },
    });
    expect(response.headers['x-request-id']).toBe('trace-me-42');
  });
});

describe('token verification at the gateway', () => {
  it('answers 401 for missing, garbage, alg none, HS256-with-public-key, tampered, expired and foreign tokens without calling the service', async () => {
    const { accessToken, user } = await signup();
    const claims = claimsFor(user.id, user.email);
    const before = await meCallsSeenByAuth();
    const headers = Object.values(badAuthorizationHeaders(gateway.keys, claims, accessToken));
    for (const authorization of headers) {
      const response = await gateway.app.inject({
        url: '/api/auth/me',
        headers: authorization ? { authorization } : {},
      });
      expect({ authorization, status: response.statusCode, code: response.json().code }).toEqual({
        authorization,
        status: 401,
        code: 'UNAUTHORIZED',
      });
    }
    expect(await meCallsSeenByAuth()).toBe(before);
    await gateway.app.inject({
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(await meCallsSeenByAuth()).toBe(before + 1);
  });

  it('guards every route but the public ones, rooms and ICE included', async () => {
    for (const [method, url] of [
      ['POST', '/api/rooms'],
      ['GET', '/api/rooms/0b6b7a4e-4a55-4d0f-8f0a-3c1f8f5c2d9e'],
      ['GET', '/api/ice-servers'],
      ['GET', '/api/ice/servers'],
    ] as const) {
      expect((await gateway.app.inject({ method, url })).statusCode).toBe(401);
    }
  });

  it('forwards no preflight: OPTIONS reaches no service while CORS is off', async () => {
    const response = await gateway.app.inject({ method: 'OPTIONS', url: '/api/auth/me' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers unknown /api paths with a 404 JSON error', async () => {
    const response = await gateway.app.inject({ url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('upstream failures', () => {
  it('answers 503 UPSTREAM_UNAVAILABLE quickly when a service is down', async () => {
    const { accessToken } = await signup();
    const startedAt = Date.now();
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { authorization: `Bearer ${accessToken}` },
      payload: {},
    });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ statusCode: 503, code: 'UPSTREAM_UNAVAILABLE' });
    expect(Date.now() - startedAt).toBeLessThan(3_000);
  });
});

describe('security headers', () => {
  it('sets helmet-style headers and no CORS header for an unconfigured origin', async () => {
    const response = await gateway.app.inject({
      url: '/api/auth/.well-known/jwks.json',
      headers: { origin: 'https://evil.example' },
    });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limits', () => {
  it('applies the login limits however the path is spelled (the router decodes it)', async () => {
    const { email } = await signup();
    for (const [url, ip] of [
      ['/api/auth/%6Cogin', '10.5.0.1'],
      ['/api/auth/logi%6E', '10.5.0.2'],
      ['/api/auth/login?x=1', '10.5.0.3'],
    ] as const) {
      const attempt = await gateway.app.inject({
        method: 'POST',
        url,
        payload: { email, password: 'wrong password' },
        remoteAddress: ip,
      });
      expect(attempt.statusCode).toBe(401);
    }
    const blocked = await gateway.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password },
      remoteAddress: '10.5.0.4',
    });
    expect(blocked.statusCode).toBe(429);
  });

  it('limits failed logins per account whatever the IP, with Retry-After', async () => {
    const { email } = await signup();
    const attempt = (ip: string, pw = 'wrong password') =>
      gateway.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: pw },
        remoteAddress: ip,
      });
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3'])
      expect((await attempt(ip)).statusCode).toBe(401);
    const blocked = await attempt('10.0.0.4', password);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Another account is not affected.
    const other = await signup();
    expect(
      (
        await gateway.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: other.email, password },
        })
      ).statusCode,
    ).toBe(200);
  });

  it('limits API calls per user', async () => {
    const { accessToken } = await signup();
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) {
      statuses.push(
        (
          await gateway.app.inject({
            url: '/api/auth/me',
            headers: { authorization: `Bearer ${accessToken}` },
          })
        ).statusCode,
      );
    }
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    expect(statuses[40]).toBe(429);
    const { accessToken: otherToken } = await signup();
    expect(
      (
        await gateway.app.inject({
          url: '/api/auth/me',
          headers: { authorization: `Bearer ${otherToken}` },
        })
      ).statusCode,
    ).toBe(200);
  });
});
