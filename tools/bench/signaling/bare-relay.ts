/**
 * The floor of any signaling relay on Redis Pub/Sub, on this machine: raw `ws` plus one `PUBLISH`
 * per cross-node frame on the room's channel, and nothing else. It speaks just enough of our
 * protocol for the bench's client — `authenticated` for any token (the user id is read from the
 * token's payload, not verified), `room_joined` for any room (no seats, no capacity, no peer
 * list) — and relays a targeted frame after one `JSON.parse` and one `JSON.stringify` (the least
 * a relay does to route a frame and stamp its sender). No validation, no rate limit, no
 * presence, no metrics, no ordering or membership guarantees. Not part of the product: it shows
 * how much of a figure is the machine (sockets, wake-ups, Redis) rather than the relay's code.
 *
 * Environment: PORT, REDIS_URL.
 */
import { Redis } from 'ioredis';
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

const { PORT, REDIS_URL } = process.env;
if (!PORT || !REDIS_URL) {
  process.stderr.write('bare-relay needs PORT and REDIS_URL\n');
  process.exit(2);
}

interface Client {
  socket: WebSocket;
  /** The TCP stream under the socket, corked to gather frames (as signaling-service does). */
  stream: Duplex;
  userId?: string;
  roomId?: string;
}

const publisher = new Redis(REDIS_URL);
const subscriber = publisher.duplicate();
/** Local clients by user id, and how many local members each room has. */
const clients = new Map<string, Client>();
const roomMembers = new Map<string, number>();
const channelOf = (roomId: string) => `room_events:${roomId}`;

// The same batching as signaling-service, so that the floor is a floor: the publishes of one
// event-loop turn leave in one write, and so do the frames one socket gets in one I/O callback.
let publishesHeld = false;
function publish(channel: string, message: string): void {
  if (!publishesHeld && publisher.status === 'ready') {
    publishesHeld = true;
    publisher.stream.cork();
    setImmediate(() => {
      publishesHeld = false;
      publisher.stream.uncork();
    });
  }
  void publisher.publish(channel, message);
}
let corked: Duplex[] = [];
const uncorkAll = () => {
  for (const stream of corked) stream.uncork();
  corked = [];
};
function send(client: Client, text: string): void {
  if (client.stream.writableCorked === 0) {
    client.stream.cork();
    corked.push(client.stream);
    if (corked.length === 1) process.nextTick(uncorkAll);
  }
  client.socket.send(text);
}

// A bus message is the target's user id, a newline, and the frame as the target receives it.
subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => {
  const newline = message.indexOf(0x0a);
  const client = clients.get(message.toString('latin1', 0, newline));
  if (client) send(client, message.toString('utf8', newline + 1));
});

const userIdOf = (token: string): string => {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    sub?: string;
  };
  return payload.sub ?? '';
};

const http = createServer();
const server = new WebSocketServer({ noServer: true, perMessageDeflate: false });
http.on('upgrade', (request, stream: Duplex, head) => {
  server.handleUpgrade(request, stream, head, (socket) => accept({ socket, stream }));
});

function accept(client: Client): void {
  const { socket } = client;
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    switch (frame.type) {
      case 'auth':
        client.userId = userIdOf(String(frame.token));
        clients.set(client.userId, client);
        socket.send(JSON.stringify({ type: 'authenticated', userId: client.userId }));
        return;
      case 'join_room': {
        const roomId = String(frame.roomId);
        client.roomId = roomId;
        const members = (roomMembers.get(roomId) ?? 0) + 1;
        roomMembers.set(roomId, members);
        const subscribed = members === 1 ? subscriber.subscribe(channelOf(roomId)) : undefined;
        void Promise.resolve(subscribed).then(() =>
          socket.send(
            JSON.stringify({ type: 'room_joined', roomId, existingPeers: [], peers: [] }),
          ),
        );
        return;
      }
      case 'offer':
      case 'answer':
      case 'ice_candidate': {
        const to = String(frame.targetUserId);
        frame.targetUserId = undefined;
        frame.senderUserId = client.userId;
        const out = JSON.stringify(frame);
        const local = clients.get(to);
        if (local) send(local, out);
        else if (client.roomId) publish(channelOf(client.roomId), `${to}\n${out}`);
        return;
      }
    }
  });
  socket.on('close', () => {
    if (client.userId && clients.get(client.userId) === client) clients.delete(client.userId);
    if (!client.roomId) return;
    const members = (roomMembers.get(client.roomId) ?? 1) - 1;
    if (members > 0) roomMembers.set(client.roomId, members);
    else {
      roomMembers.delete(client.roomId);
      void subscriber.unsubscribe(channelOf(client.roomId));
    }
  });
}

http.listen(Number(PORT), '127.0.0.1');

process.once('SIGTERM', () => {
  http.close();
  publisher.disconnect();
  subscriber.disconnect();
  process.exit(0);
});
