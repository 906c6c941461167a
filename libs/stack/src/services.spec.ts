import { serviceSpecs, type ServiceSpecInput } from './services';

const input: ServiceSpecInput = {
  ports: { gateway: 3000, auth: 3001, rooms: 3002, turn: 3003, signaling: [3101, 3102] },
  secrets: { jwtPrivateKey: 'PRIVATE', jwtPublicKey: 'PUBLIC', turnSecret: 'TURN' },
  backends: {
    databaseUrl: (service) => `postgres://${service}@db`,
    redisUrl: (service) => `redis://${service}:pw@r`,
    turn: { host: '127.0.0.1', port: 3478 },
  },
  local: true,
  publicOrigins: ['http://localhost:8080', 'https://meet.example.com'],
};

describe('serviceSpecs', () => {
  it('starts upstreams before the gateway, with one signaling node per port', () => {
    expect(serviceSpecs(input).map((s) => s.name)).toEqual([
      'auth-service',
      'room-service',
      'turn-credential-service',
      'signaling-1',
      'signaling-2',
      'api-gateway',
    ]);
  });

  it('gives the private key to auth-service only', () => {
    const holders = serviceSpecs(input).filter((s) => Object.values(s.env).includes('PRIVATE'));
    expect(holders.map((s) => s.name)).toEqual(['auth-service']);
    const verifiers = serviceSpecs(input).filter((s) => s.name !== 'auth-service');
    expect(verifiers.every((s) => s.env.JWT_PUBLIC_KEY === 'PUBLIC')).toBe(true);
  });

  it('gives the TURN secret to the credential service only', () => {
    const holders = serviceSpecs(input).filter((s) => Object.values(s.env).includes('TURN'));
    expect(holders.map((s) => s.name)).toEqual(['turn-credential-service']);
  });

  it('logs each service in to Postgres and Redis as itself, and only where it needs them', () => {
    const byName = Object.fromEntries(serviceSpecs(input).map((s) => [s.name, s.env]));
    expect(byName['auth-service']).toMatchObject({ DATABASE_URL: 'postgres://auth-service@db' });
    expect(byName['auth-service']?.REDIS_URL).toBeUndefined();
    expect(byName['room-service']).toMatchObject({
      DATABASE_URL: 'postgres://room-service@db',
      REDIS_URL: 'redis://room-service:pw@r',
    });
    expect(byName['signaling-1']?.REDIS_URL).toBe('redis://signaling-service:pw@r');
    expect(byName['api-gateway']?.REDIS_URL).toBe('redis://api-gateway:pw@r');
    expect(byName['turn-credential-service']?.REDIS_URL).toBe(
      'redis://turn-credential-service:pw@r',
    );
    for (const name of ['api-gateway', 'turn-credential-service', 'signaling-1'])
      expect(byName[name]?.DATABASE_URL).toBeUndefined();
  });

  it('wires the gateway and signaling to the services by port', () => {
    const byName = Object.fromEntries(serviceSpecs(input).map((s) => [s.name, s.env]));
    expect(byName['api-gateway']).toMatchObject({
      PORT: '3000',
      AUTH_SERVICE_URL: 'http://127.0.0.1:3001',
      ROOM_SERVICE_URL: 'http://127.0.0.1:3002',
      TURN_SERVICE_URL: 'http://127.0.0.1:3003',
    });
    expect(byName['signaling-2']).toMatchObject({
      PORT: '3102',
      NODE_ID: 'signaling-2',
      ROOM_SERVICE_URL: 'http://127.0.0.1:3002',
      ALLOWED_ORIGINS: 'http://localhost:8080,https://meet.example.com',
    });
    expect(byName['turn-credential-service']).toMatchObject({
      TURN_SECRET: 'TURN',
      STUN_URLS: 'stun:127.0.0.1:3478',
      TURN_URLS: 'turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp',
    });
  });

  it('relaxes cookies and per-IP limits only for the local stack', () => {
    const local = Object.fromEntries(serviceSpecs(input).map((s) => [s.name, s.env]));
    const deployed = Object.fromEntries(
      serviceSpecs({ ...input, local: false }).map((s) => [s.name, s.env]),
    );
    expect([local['auth-service']?.COOKIE_SECURE, local['api-gateway']?.IP_RATE_LIMITS]).toEqual([
      'false',
      'false',
    ]);
    expect([
      deployed['auth-service']?.COOKIE_SECURE,
      deployed['api-gateway']?.IP_RATE_LIMITS,
    ]).toEqual(['true', 'true']);
  });

  it('applies per-service overrides last', () => {
    const specs = serviceSpecs({
      ...input,
      envByService: { 'api-gateway': { RATE_LIMIT_USER_PER_MINUTE: '5' } },
    });
    expect(specs.find((s) => s.name === 'api-gateway')?.env.RATE_LIMIT_USER_PER_MINUTE).toBe('5');
  });
});
