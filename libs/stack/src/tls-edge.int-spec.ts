import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { request as plainRequest } from 'node:http';
import { connect, createServer as createTlsServer, type ConnectionOptions } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '@qual-meet/local-servers';
import { SignalingTestClient, type SignalingClientOptions } from '@qual-meet/testing';
import { startPlatform, type Platform } from './platform';
import { generateStackSecrets } from './setup';

// The production edge, for real: nginx terminating TLS in front of the gateway and two signaling
// nodes, with a certificate made for this test.
let platform: Platform;
let ca: Buffer;
let certificatePaths: { certificate: string; certificateKey: string };
let origin: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-edge-spec-'));
  chmodSync(dir, 0o755);
  const cert = await selfSignedCertificate(join(dir, 'tls'), ['localhost'], ['127.0.0.1']);
  ca = readFileSync(cert.certificate);
  certificatePaths = cert;
  const spaRoot = join(dir, 'spa');
  mkdirSync(spaRoot);
  writeFileSync(
    join(spaRoot, 'index.html'),
    '<!doctype html><title>QUAL_MEET</title><div id="root"></div>',
  );
  platform = await startPlatform({
    mode: 'source',
    local: false,
    logLevel: 'warn',
    spaRoot,
    secrets: generateStackSecrets(),
    tls: { ...cert, hostnames: ['localhost'], redirectHttp: true },
  });
  origin = platform.httpsUrl!;
}, 120_000);

afterAll(() => platform?.stop());

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function https(
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<Reply> {
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}${path}`,
      {
        method: init.method ?? 'GET',
        ca,
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function signup(name: string): Promise<{ token: string; userId: string }> {
  const reply = await https('/api/auth/signup', {
    method: 'POST',
    body: { email: `${name}.${Date.now()}@example.com`, password: 'correct horse battery' },
  });
  expect(reply.status).toBe(201);
  const body = JSON.parse(reply.body) as { accessToken: string; user: { id: string } };
  return { token: body.accessToken, userId: body.user.id };
}

function handshake(options: ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', servername: 'localhost', port: platform.ports.https!, ca, ...options },
      () => {
        const protocol = socket.getProtocol() ?? 'unknown';
        socket.end();
        resolve(protocol);
      },
    );
    socket.on('error', reject);
  });
}

/** Opens a signaling socket through the edge and sends `auth`. */
async function signalingClient(token: string, options: SignalingClientOptions = { origin }) {
  const client = await SignalingTestClient.connect(`${origin.replace('https:', 'wss:')}/ws`, {
    ca,
    ...options,
  });
  client.send({ type: 'auth', token });
  return client;
}

it('serves the SPA over HTTPS with the browser security headers, and history fallback', async () => {
  for (const path of ['/', '/room/0b6b7a4e-4a55-4d0f-8f0a-3c1f8f5c2d9e']) {
    const reply = await https(path);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('QUAL_MEET');
    expect(reply.headers['strict-transport-security']).toMatch(/max-age=\d{8}/);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
    expect(reply.headers['permissions-policy']).toContain('camera=(self), microphone=(self)');
    const csp = String(reply.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/connect-src 'self' wss:\/\/localhost:\d+/);
  }
});

it('serves the API over HTTPS', async () => {
  const { token } = await signup('tls-api');
  const me = await https('/api/auth/me', { token });
  expect(me.status).toBe(200);
  expect(me.headers['strict-transport-security']).toBeDefined();
});

it('redirects plain HTTP to HTTPS', async () => {
  const reply = await new Promise<{ status: number; location?: string }>((resolve, reject) => {
    plainRequest(`http://127.0.0.1:${platform.ports.http}/room/abc?x=1`, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    })
      .on('error', reject)
      .end();
  });
  expect(reply).toEqual({
    status: 301,
    location: `https://127.0.0.1:${platform.ports.https}/room/abc?x=1`,
  });
});

/** The protocol this client negotiates with a throwaway server that accepts TLS 1.0 and up. */
async function protocolWithPermissiveServer(options: ConnectionOptions): Promise<string> {
  const server = createTlsServer(
    {
      cert: readFileSync(certificatePaths.certificate),
      key: readFileSync(certificatePaths.certificateKey),
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    },
    (socket) => socket.end(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    return await new Promise<string>((resolve, reject) => {
      const socket = connect(
        { ...options, host: '127.0.0.1', port, rejectUnauthorized: false },
        () => {
          resolve(socket.getProtocol() ?? 'unknown');
          socket.end();
        },
      );
      socket.on('error', reject);
    });
  } finally {
    server.close();
  }
}

it('refuses TLS 1.0 and 1.1 and speaks 1.2 and 1.3', async () => {
  // SECLEVEL=0 lets this client offer the old protocols — proved against a permissive server —
  // so nginx's failure is nginx refusing them.
  const legacy = {
    ciphers: 'DEFAULT@SECLEVEL=0',
    minVersion: 'TLSv1',
    rejectUnauthorized: true,
  } as const;
  await expect(protocolWithPermissiveServer({ ...legacy, maxVersion: 'TLSv1.1' })).resolves.toBe(
    'TLSv1.1',
  );
  for (const maxVersion of ['TLSv1', 'TLSv1.1'] as const) {
    await expect(handshake({ ...legacy, maxVersion })).rejects.toThrow(
      /protocol version|unsupported protocol/i,
    );
  }
  await expect(handshake({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).resolves.toBe(
    'TLSv1.2',
  );
  await expect(handshake({ minVersion: 'TLSv1.3' })).resolves.toBe('TLSv1.3');
});

it('authenticates and relays a signaling session over wss, and refuses a foreign Origin', async () => {
  const [alice, bob] = [await signup('tls-alice'), await signup('tls-bob')];
  const created = await https('/api/rooms', { method: 'POST', body: {}, token: alice.token });
  const roomId = (JSON.parse(created.body) as { id: string }).id;

  const a = await signalingClient(alice.token);
  expect(await a.next()).toEqual({ type: 'authenticated', userId: alice.userId });
  a.send({ type: 'join_room', roomId });
  expect(await a.next()).toMatchObject({ type: 'room_joined', roomId, existingPeers: [] });
  const b = await signalingClient(bob.token);
  expect(await b.next()).toEqual({ type: 'authenticated', userId: bob.userId });
  b.send({ type: 'join_room', roomId });
  expect(await b.next()).toMatchObject({ type: 'room_joined', existingPeers: [alice.userId] });
  expect(await a.next()).toMatchObject({ type: 'user_joined', userId: bob.userId });
  a.send({ type: 'offer', targetUserId: bob.userId, sdp: 'v=0 tls-offer' });
  expect(await b.next()).toEqual({
    type: 'offer',
    senderUserId: alice.userId,
    sdp: 'v=0 tls-offer',
  });
  await Promise.all([a.close(), b.close()]);

  await expect(signalingClient(alice.token, { origin: 'https://evil.example' })).rejects.toThrow(
    /403/,
  );
});
