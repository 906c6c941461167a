import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { bearerFor, claimRedisDatabase, type TestRedisDatabase } from '@qual-meet/testing';
import { startGatewayUnderTest, type GatewayUnderTest } from './test-support/gateway-under-test';

// A room-service stand-in that accepts connections and reads requests but never answers: the
// one failure a real service cannot be made to show on demand.
let hung: Server;
const sockets = new Set<Socket>();
let redisDb: TestRedisDatabase;
let gateway: GatewayUnderTest;

beforeAll(async () => {
  hung = createServer((socket) => {
    sockets.add(socket);
    socket.resume();
  });
  hung.listen(0, '127.0.0.1');
  await once(hung, 'listening');
  const { port } = hung.address() as { port: number };
  redisDb = await claimRedisDatabase();
  gateway = await startGatewayUnderTest({
    upstreams: [],
    redisUrl: redisDb.url,
    gatewayEnv: { ROOM_SERVICE_URL: `http://127.0.0.1:${port}`, UPSTREAM_TIMEOUT_MS: '300' },
  });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await redisDb?.release();
  for (const socket of sockets) socket.destroy();
  hung?.close();
});

it('answers 504 UPSTREAM_TIMEOUT when a service does not answer in time', async () => {
  const response = await gateway.app.inject({
    url: `/api/rooms/${randomUUID()}`,
    headers: { authorization: bearerFor(gateway.keys, randomUUID()) },
  });
  expect(response.statusCode).toBe(504);
  expect(response.json()).toMatchObject({ statusCode: 504, code: 'UPSTREAM_TIMEOUT' });
  expect(sockets.size).toBe(1);
});
