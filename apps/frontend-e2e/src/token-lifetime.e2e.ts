import type { WebSocket } from 'playwright-core';
import {
  createMeeting,
  expectVideoFlowing,
  joinMeeting,
  newPerson,
  peerConnectionCount,
  recordPeerConnections,
  signUp,
  useBrowser,
  type Person,
} from '@qual-meet/browser-testing';
import { generateStackSecrets, startPlatform, type Platform } from '@qual-meet/stack';
import { eventually } from '@qual-meet/testing';

/**
 * A platform of its own whose access tokens live 20 s (the shared one keeps the default): the
 * server closes a socket whose token expired (DESIGN §4.10), so a call only outlives its first
 * token if the SPA sends every refreshed token on its open socket.
 */
const TOKEN_SECONDS = 20;

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform({
    mode: 'bundle',
    local: true,
    logLevel: 'warn',
    secrets: generateStackSecrets(),
    envByService: { 'auth-service': { ACCESS_TOKEN_TTL_SECONDS: String(TOKEN_SECONDS) } },
  });
}, 180_000);
afterAll(() => platform?.stop());
const browser = useBrowser();

/** The signaling sockets a page opened and the `auth` frames it sent on each. */
function watchSignaling(person: Person) {
  const sockets: { socket: WebSocket; auths: number }[] = [];
  person.page.on('websocket', (socket) => {
    if (!socket.url().endsWith('/ws')) return;
    const entry = { socket, auths: 0 };
    sockets.push(entry);
    socket.on('framesent', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes('"type":"auth"')) entry.auths += 1;
    });
  });
  return sockets;
}

async function person(name: string): Promise<Person> {
  const p = await newPerson(browser(), platform.url, { name });
  await recordPeerConnections(p.context);
  // Close codes of the page's sockets, to tell a token expiry (4401) from other drops.
  await p.context.addInitScript(() => {
    const Native = window.WebSocket;
    const closes: number[] = [];
    (window as unknown as { __qmSocketCloses: number[] }).__qmSocketCloses = closes;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('close', (event) => closes.push(event.code));
      }
    };
  });
  await signUp(p);
  return p;
}

it('keeps a call going past its tokens, and a third person joining after 45 s reaches both', async () => {
  const host = await person('tokhost');
  const bob = await person('tokbob');
  const carol = await person('tokcarol');
  const hostSockets = watchSignaling(host);
  const bobSockets = watchSignaling(bob);
  const roomId = await createMeeting(host, 3);
  await joinMeeting(host, roomId);
  await joinMeeting(bob, roomId);
  const joinedAt = Date.now();
  await expectVideoFlowing(host, bob);

  // Tokens are refreshed at half their lifetime; each refresh goes out on the same socket. By 45 s
  // the first tokens are long expired (the server allows 5 s of skew).
  await eventually(
    'both have sent fresh tokens for 45 s on their first socket',
    async () => ({
      elapsed: Date.now() - joinedAt,
      auths: [hostSockets, bobSockets].map((list) => list[0]?.auths ?? 0),
    }),
    ({ elapsed, auths }) => elapsed >= 45_000 && auths.every((n) => n >= 4),
    90_000,
  );
  await joinMeeting(carol, roomId);
  await Promise.all([
    expectVideoFlowing(carol, host),
    expectVideoFlowing(carol, bob),
    expectVideoFlowing(host, carol),
    expectVideoFlowing(bob, carol),
  ]);
  await eventually(
    'the call has lasted 60 s',
    async () => Date.now() - joinedAt,
    (elapsed) => elapsed >= 60_000,
    60_000,
  );
  await Promise.all([expectVideoFlowing(host, bob), expectVideoFlowing(bob, host)]);

  // One socket each the whole time, never closed for an expired token, and no rejoin.
  for (const p of [host, bob]) {
    expect(
      await p.page.evaluate(
        () => (window as unknown as { __qmSocketCloses: number[] }).__qmSocketCloses,
      ),
    ).toEqual([]);
  }
  for (const list of [hostSockets, bobSockets]) {
    expect(list).toHaveLength(1);
    expect(list[0]?.socket.isClosed()).toBe(false);
  }
  expect(await peerConnectionCount(host.page)).toBe(2);
  expect(await peerConnectionCount(bob.page)).toBe(2);

  // Logging out closes the socket: the others see the person leave.
  const closed = new Promise<void>((resolve) =>
    hostSockets[0]?.socket.on('close', () => resolve()),
  );
  await host.page.getByRole('button', { name: 'Log out' }).click();
  await closed;
  await bob.page.getByRole('group', { name: host.email.split('@')[0]!, exact: true }).waitFor({
    state: 'detached',
  });

  await Promise.all([host, bob, carol].map((p) => p.context.close()));
}, 300_000);
