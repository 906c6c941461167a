import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { claimsFor, badTokens, bearerFor, signTestToken } from '@qual-meet/testing';
import { useGatewayUnderTest } from './test-support/gateway-under-test';

// What real services cannot be made to show on demand, with stand-ins behind the real gateway:
// room-service accepts connections and reads requests but never answers; the TURN service
// records the headers each request arrived with.
const ALLOWED_ORIGIN = 'https://app.example.com';
let hung: Server;
const hungSockets = new Set<Socket>();
const recorder = createHttpServer((request, response) => {
  received.push(request.headers);
  response.writeHead(200, { 'content-type': 'application/json' }).end('{"iceServers":[]}');
});
const received: IncomingHttpHeaders[] = [];

async function listening(server: Server | typeof recorder): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

// The stand-ins listen first: the gateway's settings name their ports.
const gateway = useGatewayUnderTest(async () => {
  hung = createServer((socket) => {
    hungSockets.add(socket);
    socket.resume();
  });
  const [hungPort, recorderPort] = await Promise.all([listening(hung), listening(recorder)]);
  return {
    upstreams: [],
    gatewayEnv: {
      ROOM_SERVICE_URL: `http://127.0.0.1:${hungPort}`,
      TURN_SERVICE_URL: `http://127.0.0.1:${recorderPort}`,
      UPSTREAM_TIMEOUT_MS: '300',
      CORS_ORIGINS: ALLOWED_ORIGIN,
      RATE_LIMIT_IP_PER_MINUTE: '3',
    },
  };
});

afterAll(() => {
  for (const socket of hungSockets) socket.destroy();
  hung?.close();
  recorder.closeAllConnections();
  recorder.close();
});

const authorization = () => bearerFor(gateway.keys, randomUUID());

it('answers 504 UPSTREAM_TIMEOUT when a service does not answer in time', async () => {
  const response = await gateway.app.inject({
    url: `/api/rooms/${randomUUID()}`,
    headers: { authorization: authorization() },
  });
  expect(response.statusCode).toBe(504);
  expect(response.json()).toMatchObject({ statusCode: 504, code: 'UPSTREAM_TIMEOUT' });
  expect(hungSockets.size).toBe(1);
});

it('never forwards a client-sent identity, and forwards its request id', async () => {
  received.length = 0;
  const response = await gateway.app.inject({
    url: '/api/ice-servers',
    headers: {
      authorization: authorization(),
      'x-user-id': 'admin',
      'x-authenticated-userid': 'admin',
      'x-remote-user': 'admin',
      'remote-user': 'admin',
      'x-request-id': 'req-from-edge-1',
      'x-harmless': 'kept',
    },
  });
  expect(response.statusCode).toBe(200);
  expect(received).toHaveLength(1);
  const headers = received[0]!;
  for (const name of ['x-user-id', 'x-authenticated-userid', 'x-remote-user', 'remote-user'])
    expect(headers[name]).toBeUndefined();
  expect(headers['x-request-id']).toBe('req-from-edge-1');
  expect(headers['x-harmless']).toBe('kept');
  expect(headers.authorization).toMatch(/^Bearer /);
});

it('allows cross-origin calls from the configured origin only', async () => {
  const preflight = (origin: string) =>
    gateway.app.inject({
      method: 'OPTIONS',
      url: '/api/ice-servers',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
  const allowed = await preflight(ALLOWED_ORIGIN);
  expect(allowed.statusCode).toBe(204);
  expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
  expect(allowed.headers['access-control-allow-credentials']).toBe('true');
  const foreign = await preflight('https://evil.example');
  expect(foreign.headers['access-control-allow-origin']).toBeUndefined();

  const refused = await gateway.app.inject({
    url: '/api/ice-servers',
    headers: { origin: ALLOWED_ORIGIN },
  });
  expect(refused.statusCode).toBe(401);
  expect(refused.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
  expect(refused.headers['x-content-type-options']).toBe('nosniff');
});

it('limits anonymous calls per client address, as nginx reports it in X-Forwarded-For', async () => {
  // Through nginx (a trusted proxy on loopback) every request comes from 127.0.0.1; the client is
  // the address nginx appends.
  const jwks = (client: string) =>
    gateway.app.inject({
      url: '/api/auth/.well-known/jwks.json',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': client },
    });
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await jwks('203.0.113.7')).statusCode);
  // auth-service is not running here: admitted calls get 503, the fourth is refused first.
  expect(statuses).toEqual([503, 503, 503, 429]);
  expect((await jwks('203.0.113.8')).statusCode).toBe(503);
});

/** Bearer tokens the gateway has verified so far, from its own metrics. */
async function tokenChecks(): Promise<number> {
  const text = (await gateway.app.inject({ url: '/metrics' })).body;
  return [...text.matchAll(/^gateway_token_checks_total\{result="\w+"\} (\d+)$/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

it('counts callers with a refused token against their address and, once over, refuses them before verifying', async () => {
  const call = (authorization: string, client = '203.0.113.9') =>
    gateway.app.inject({
      url: '/api/ice-servers',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-for': client, authorization },
    });
  // Signed by another key under our key id: refused only by the RSA verification itself.
  const sub = randomUUID();
  const claims = claimsFor(sub);
  const valid = signTestToken(gateway.keys, claims);
  const forged = `Bearer ${badTokens(gateway.keys, claims, valid)['another key, same kid']}`;
  const checksBefore = await tokenChecks();
  const statuses = [];
  for (let i = 0; i < 10; i++) statuses.push((await call(forged)).statusCode);
  expect(statuses).toEqual([401, 401, 401, ...Array(7).fill(429)]);
  // Only the three counted within the limit cost a verification; the flood costs none.
  expect((await tokenChecks()) - checksBefore).toBe(3);
  // The address waits out its window whatever token it sends; other addresses are unaffected.
  expect((await call(authorization())).statusCode).toBe(429);
  expect((await call(authorization(), '203.0.113.10')).statusCode).toBe(200);
});
