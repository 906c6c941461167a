import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Room } from '@qual-meet/protocol';
import { createAccessTokenVerifier } from '@qual-meet/server-kit';
import type { TestKeyPair } from '@qual-meet/testing';

/**
 * INTERIM stand-in for room-service's `GET /api/rooms/:id`, used only because room-service does
 * not exist yet: a real HTTP server answering as DESIGN §3 says room-service will (200 room,
 * 401 without a valid bearer token, 404 ROOM_NOT_FOUND). Replace with the real room-service in
 * these tests once it lands.
 */
export interface InterimRoomService {
  url: string;
  /** Rooms it knows, by id. */
  rooms: Map<string, Room>;
  /** The bearer tokens it was asked with, in order. */
  tokensSeen: string[];
  close(): Promise<void>;
}

export async function startInterimRoomService(keys: TestKeyPair): Promise<InterimRoomService> {
  const verify = createAccessTokenVerifier({
    publicKeys: [keys.publicKeyPem],
    issuer: 'qual-meet',
    audience: 'qual-meet',
  });
  const rooms = new Map<string, Room>();
  const tokensSeen: string[] = [];
  const server: Server = createServer((request, response) => {
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const match = /^\/api\/rooms\/([^/?]+)$/.exec(request.url ?? '');
    if (request.method !== 'GET' || !match) return json(404, { code: 'NOT_FOUND' });
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    tokensSeen.push(token);
    try {
      verify(token);
    } catch {
      return json(401, { statusCode: 401, code: 'UNAUTHORIZED' });
    }
    const room = rooms.get(decodeURIComponent(match[1]!));
    if (!room) return json(404, { statusCode: 404, code: 'ROOM_NOT_FOUND' });
    return json(200, room);
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rooms,
    tokensSeen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
