import { CloseCode } from '@qual-meet/protocol';
import { seedRoom } from './test-support/fixtures';
import { useTwoNodes } from './test-support/two-nodes';

// The auth frame on an open socket. DESIGN §4.10: a socket ends with its token unless a fresh `auth` of the same user came. No
// grace here, so a token's socket ends at its `exp` (the verifiers' 5 s clock tolerance still
// lets a just-expired token authenticate, hence lifetimes well clear of it).
const nodes = useTwoNodes({ TOKEN_EXPIRY_GRACE_MS: '0' });
const SHORT_MS = 2_500;
const WAIT_MS = 20_000;

describe('tokens on open sockets', () => {
  it('closes a joined socket with unauthorized "token expired" and 4401 when its token runs out', async () => {
    const room = await seedRoom(nodes.redis);
    const stayer = await nodes.joined(nodes.a, room.id);
    const expiring = await nodes.joined(nodes.b, room.id, nodes.user(SHORT_MS));
    await stayer.client.take('user_joined');

    expect(await expiring.client.take('error', () => true, WAIT_MS)).toEqual({
      type: 'error',
      code: 'unauthorized',
      message: 'token expired',
    });
    expect((await expiring.client.closed).code).toBe(CloseCode.UNAUTHORIZED);
    expect(await stayer.client.take('user_left', () => true, WAIT_MS)).toEqual({
      type: 'user_left',
      userId: expiring.user.userId,
    });
  });

  it('keeps a socket whose user sent a fresh token: authenticated, and still relaying after the old exp', async () => {
    const room = await seedRoom(nodes.redis);
    const peer = await nodes.joined(nodes.a, room.id);
    const refreshed = await nodes.joined(nodes.b, room.id, nodes.user(SHORT_MS));
    // A control with a token as short, on the same node: when it is cut, the old token is past.
    const control = await nodes.joined(nodes.b, room.id, nodes.user(SHORT_MS));
    refreshed.client.send({ type: 'auth', token: nodes.tokenOf(refreshed.user, 60_000) });
    expect(await refreshed.client.take('authenticated')).toEqual({
      type: 'authenticated',
      userId: refreshed.user.userId,
    });

    expect((await control.client.closed).code).toBe(CloseCode.UNAUTHORIZED);
    await refreshed.client.take('user_left', (f) => f.userId === control.user.userId, WAIT_MS);
    refreshed.client.send({ type: 'offer', targetUserId: peer.user.userId, sdp: 'v=0 later' });
    expect(await peer.client.take('offer')).toEqual({
      type: 'offer',
      senderUserId: refreshed.user.userId,
      sdp: 'v=0 later',
    });
    expect(refreshed.client.received.filter((f) => f.type === 'error')).toEqual([]);
  });

  it.each([
    ['another user’s token', () => nodes.user().token],
    ['an invalid token', () => 'not-a-token'],
  ])('refuses %s on an authenticated socket: unauthorized, 4401', async (_case, token) => {
    const { client } = await nodes.signIn(nodes.a);
    client.send({ type: 'auth', token: token() });
    expect(await client.error('unauthorized')).toMatchObject({ code: 'unauthorized' });
    expect((await client.closed).code).toBe(CloseCode.UNAUTHORIZED);
  });
});

describe('protocol version', () => {
  it('accepts auth without a version (1) and with version 1', async () => {
    const user = nodes.user();
    for (const frame of [{}, { protocolVersion: 1 }]) {
      const client = await nodes.connect(nodes.a);
      client.send({ type: 'auth', token: user.token, ...frame });
      expect(await client.take('authenticated')).toEqual({
        type: 'authenticated',
        userId: user.userId,
      });
    }
  });

  it.each([2, 999])(
    'refuses version %p: error unsupported_version, close 4400, before and after auth',
    async (version) => {
      const user = nodes.user();
      const fresh = await nodes.connect(nodes.b);
      fresh.send({ type: 'auth', token: user.token, protocolVersion: version });
      expect(await fresh.error('unsupported_version')).toMatchObject({
        code: 'unsupported_version',
      });
      expect((await fresh.closed).code).toBe(CloseCode.UNSUPPORTED_VERSION);

      const { client } = await nodes.signIn(nodes.b, user);
      client.send({ type: 'auth', token: user.token, protocolVersion: version });
      expect(await client.error('unsupported_version')).toMatchObject({
        code: 'unsupported_version',
      });
      expect((await client.closed).code).toBe(CloseCode.UNSUPPORTED_VERSION);
    },
  );
});
