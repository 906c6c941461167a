import { useGatewayUnderTest } from './test-support/gateway-under-test';

// The login limits under concurrency, through the real gateway, auth-service and Redis: an
// attempt is reserved before any password is verified, so a burst cannot slip past the limit.

const gateway = useGatewayUnderTest({
  upstreams: ['auth-service'],
  // The production defaults per account (10 per 15 minutes); a small per-address limit.
  gatewayEnv: { LOGIN_ATTEMPTS_PER_IP_PER_MINUTE: '20', SIGNUPS_PER_IP_PER_HOUR: '1000' },
});

const password = 'correct horse battery';
let counter = 0;
const newEmail = () => `limits${++counter}.${Date.now()}@example.com`;
const loginsSeenByAuth = () => gateway.callsSeenBy('auth-service', 'POST', '/api/auth/login');

async function signup(): Promise<string> {
  const email = newEmail();
  const response = await gateway.app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email, password },
  });
  expect(response.statusCode).toBe(201);
  return email;
}

const login = (email: string, pw: string, remoteAddress: string) =>
  gateway.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: pw },
    remoteAddress,
  });

it('verifies at most 10 of 40 simultaneous wrong passwords for one account; the rest 429', async () => {
  const email = await signup();
  const before = await loginsSeenByAuth();
  // From 40 addresses, so only the per-account limit can stop them.
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => login(email, 'wrong password', `10.40.0.${i + 1}`)),
  );
  const statuses = results.map((r) => r.statusCode);
  expect(statuses.filter((s) => s === 401)).toHaveLength(10);
  expect(statuses.filter((s) => s === 429)).toHaveLength(30);
  for (const refused of results.filter((r) => r.statusCode === 429)) {
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  }
  expect((await loginsSeenByAuth()) - before).toBe(10);
  // The right password is refused too for the rest of the window: the account is locked, not guessed.
  expect((await login(email, password, '10.40.1.1')).statusCode).toBe(429);
});

it('admits at most the per-address limit of simultaneous logins from one address', async () => {
  const before = await loginsSeenByAuth();
  const results = await Promise.all(
    Array.from({ length: 30 }, () => login(newEmail(), 'wrong password', '10.41.0.1')),
  );
  const statuses = results.map((r) => r.statusCode);
  expect(statuses.filter((s) => s === 401)).toHaveLength(20);
  expect(statuses.filter((s) => s === 429)).toHaveLength(10);
  expect((await loginsSeenByAuth()) - before).toBe(20);
  expect((await login(newEmail(), password, '10.41.0.2')).statusCode).toBe(401);
});

it('gives a successful login its account reservation back: only failures count', async () => {
  const email = await signup();
  for (let i = 0; i < 9; i++)
    expect((await login(email, 'wrong password', `10.42.0.${i + 1}`)).statusCode).toBe(401);
  for (let i = 0; i < 3; i++)
    expect((await login(email, password, `10.42.1.${i + 1}`)).statusCode).toBe(200);
  expect((await login(email, 'wrong password', '10.42.2.1')).statusCode).toBe(401);
  expect((await login(email, password, '10.42.2.2')).statusCode).toBe(429);
});
