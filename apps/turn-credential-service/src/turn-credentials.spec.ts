import { iceServersResponseSchema } from '@qual-meet/protocol';
import { iceServersResponse, issueTurnCredential, turnPassword } from './turn-credentials';

const userId = '5f1d2c3b-4a59-4e68-8d7c-6b5a49382716';

describe('coturn REST API credentials', () => {
  it('match a vector computed independently with openssl', () => {
    // printf %s "1700003600:<userId>" | openssl dgst -sha1 -hmac north-star-turn-secret -binary | base64
    expect(turnPassword('north-star-turn-secret', `1700003600:${userId}`)).toBe(
      'tnXmopl4PdzgcXtX0xqvBJxB2ks=',
    );
  });

  it('name the expiry (now + ttl, in Unix seconds) and the user', () => {
    const settings = { secret: 'north-star-turn-secret', ttlSeconds: 3600 };
    expect(issueTurnCredential(settings, userId, 1_700_000_000_999)).toEqual({
      username: `1700003600:${userId}`,
      credential: 'tnXmopl4PdzgcXtX0xqvBJxB2ks=',
      expiresAt: 1_700_003_600,
    });
  });

  it('differ between users, expiries and secrets', () => {
    const base = issueTurnCredential({ secret: 's1-secret-secret', ttlSeconds: 60 }, userId, 0);
    const other = [
      issueTurnCredential({ secret: 's1-secret-secret', ttlSeconds: 60 }, 'someone-else', 0),
      issueTurnCredential({ secret: 's1-secret-secret', ttlSeconds: 61 }, userId, 0),
      issueTurnCredential({ secret: 's2-secret-secret', ttlSeconds: 60 }, userId, 0),
    ];
    for (const credential of other) expect(credential.credential).not.toBe(base.credential);
  });
});

describe('iceServersResponse', () => {
  it('lists STUN first, then TURN (every transport) with the credential, and the ttl', () => {
    const settings = {
      stunUrls: ['stun:turn.example.com:3478'],
      turnUrls: [
        'turn:turn.example.com:3478?transport=udp',
        'turn:turn.example.com:3478?transport=tcp',
        'turns:turn.example.com:5349',
      ],
      ttlSeconds: 1800,
    };
    const credential = { username: `1:${userId}`, credential: 'c2VjcmV0', expiresAt: 1 };
    const response = iceServersResponse(settings, credential);
    expect(response).toEqual({
      iceServers: [
        { urls: ['stun:turn.example.com:3478'] },
        { urls: settings.turnUrls, username: `1:${userId}`, credential: 'c2VjcmV0' },
      ],
      ttl: 1800,
    });
    expect(iceServersResponseSchema.safeParse(response).success).toBe(true);
  });
});
