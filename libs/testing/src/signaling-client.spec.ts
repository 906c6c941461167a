import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { SignalingTestClient } from './signaling-client';

/** A server on a loopback port of its own that sends `frames` to whoever connects. */
async function serverSending(frames: string[]) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => frames.forEach((frame) => socket.send(frame)));
  const { port } = server.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) };
}

describe('the signaling test client', () => {
  const userId = randomUUID();
  const clients: SignalingTestClient[] = [];
  const servers: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  async function clientOf(frames: string[]) {
    const server = await serverSending(frames);
    servers.push(server);
    const client = await SignalingTestClient.connect(server.url);
    clients.push(client);
    return client;
  }

  it('hands over frames of the protocol as the server sent them', async () => {
    const client = await clientOf([
      JSON.stringify({ type: 'authenticated', userId }),
      JSON.stringify({ type: 'user_left', userId, extra: 'kept' }),
    ]);
    await expect(client.take('user_left')).resolves.toEqual({
      type: 'user_left',
      userId,
      extra: 'kept',
    });
    expect(client.pending).toEqual([{ type: 'authenticated', userId }]);
  });

  it.each([
    ['an unknown type', JSON.stringify({ type: 'welcome', userId })],
    ['a field of the wrong shape', JSON.stringify({ type: 'authenticated', userId: 42 })],
    ['text that is not JSON', '{"type":'],
  ])('fails every wait once the server sent %s', async (_case, frame) => {
    const client = await clientOf([frame, JSON.stringify({ type: 'authenticated', userId })]);
    await expect(client.take('user_left')).rejects.toThrow(/outside the protocol/);
    await expect(client.next()).rejects.toThrow(/outside the protocol/);
  });
});
