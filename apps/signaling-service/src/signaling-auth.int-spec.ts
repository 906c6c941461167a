import { randomUUID } from 'node:crypto';
import { claimsFor, badTokens, signTestToken, SignalingTestClient } from '@qual-meet/testing';
import { testUser } from './test-support/fixtures';
import {
  AUTH_TIMEOUT_MS,
  expectUnauthorized,
  useSignalingSuite,
} from './test-support/signaling-suite';

// Auth first (DESIGN §4.1) on two nodes sharing one Redis database, as in production.
const suite = useSignalingSuite();
const { connect, signIn } = suite;

describe('auth first', () => {
  it('answers a valid token with authenticated {userId}', async () => {
    const user = testUser(suite.keys);
    const client = await connect(suite.nodeA);
    client.send({ type: 'auth', token: user.token });
    expect(await client.next()).toEqual({ type: 'authenticated', userId: user.userId });
  });

  const claims = () => claimsFor(randomUUID(), 'mallory@example.com');
  const mallory = claims();
  const forged = badTokens(suite.keys, mallory, signTestToken(suite.keys, mallory));

  it.each<[string, () => unknown]>([
    ['no token', () => ({ type: 'auth' })],
    ['an empty token', () => ({ type: 'auth', token: '' })],
    ...Object.entries(forged).map(([name, token]): [string, () => unknown] => [
      `a bad token (${name})`,
      () => ({ type: 'auth', token }),
    ]),
    ['another first frame', () => ({ type: 'join_room', roomId: randomUUID() })],
    ['a heartbeat first', () => ({ type: 'heartbeat' })],
  ])('refuses %s: error unauthorized, close 4401', async (_case, frame) => {
    const client = await connect(suite.nodeB);
    client.send(frame());
    await expectUnauthorized(client);
  });

  it('refuses invalid JSON as the first frame', async () => {
    const client = await connect(suite.nodeA);
    client.sendRaw('{"type":"auth",');
    await expectUnauthorized(client);
  });

  it('never reads a token from the URL', async () => {
    const user = testUser(suite.keys);
    const client = await connect(suite.nodeA, `?token=${user.token}&access_token=${user.token}`);
    client.send({ type: 'join_room', roomId: randomUUID() });
    await expectUnauthorized(client);
  });

  it('closes a socket that sends nothing within the auth timeout', async () => {
    const startedAt = Date.now();
    const client = await connect(suite.nodeB);
    await expectUnauthorized(client);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(AUTH_TIMEOUT_MS - 50);
    expect(client.received).toHaveLength(1);
  });

  it('accepts a fresh token of the same user later, refuses another user', async () => {
    const user = testUser(suite.keys);
    const { client } = await signIn(suite.nodeA, user);
    const fresh = signTestToken(suite.keys, claimsFor(user.userId, user.email));
    client.send({ type: 'auth', token: fresh });
    expect(await client.next()).toEqual({ type: 'authenticated', userId: user.userId });
    client.send({ type: 'auth', token: testUser(suite.keys).token });
    await expectUnauthorized(client);
  });

  it('refuses an upgrade from a foreign Origin with 403 (cross-site WebSocket hijacking)', async () => {
    await expect(
      SignalingTestClient.connect(suite.nodeA.url, { origin: 'https://evil.example' }),
    ).rejects.toThrow(/403/);
    await expect(
      SignalingTestClient.connect(suite.nodeA.url, {
        origin: 'https://meet.example.com.evil.example',
      }),
    ).rejects.toThrow(/403/);
  });

  it('accepts an allowed Origin, and no Origin (a non-browser client), then authenticates by token', async () => {
    for (const origin of ['https://meet.example.com', 'HTTP://LOCALHOST:8080', undefined]) {
      const user = testUser(suite.keys);
      const client = await SignalingTestClient.connect(suite.nodeA.url, { origin });
      client.send({ type: 'auth', token: user.token });
      expect(await client.next()).toEqual({ type: 'authenticated', userId: user.userId });
      client.socket.close();
    }
  });

  it('refuses WebSocket upgrades on any other path', async () => {
    await expect(
      SignalingTestClient.connect(suite.nodeA.url.replace('/ws', '/socket')),
    ).rejects.toThrow(/404/);
  });
});
