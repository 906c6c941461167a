import { iceServersResponseSchema, roomSchema } from '@qual-meet/protocol';
import { tryAllocate, turnEndpointOf } from '@qual-meet/testing';
import { useGatewayUnderTest } from './test-support/gateway-under-test';

// DESIGN §3's rooms and ICE rows end to end: the real gateway in front of the real auth, room and
// TURN credential services (own processes), PostgreSQL, Redis and coturn.

const gateway = useGatewayUnderTest(
  {
    upstreams: ['auth-service', 'room-service', 'turn-credential-service'],
  },
  90_000,
);

let people = 0;
async function person() {
  const response = await gateway.app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email: `platform${++people}@example.com`, password: 'correct horse battery' },
  });
  expect(response.statusCode).toBe(201);
  const { accessToken, user } = response.json() as { accessToken: string; user: { id: string } };
  return { id: user.id, headers: { authorization: `Bearer ${accessToken}` } };
}

describe('rooms through the gateway', () => {
  it('creates, reads, lists and ends a meeting', async () => {
    const host = await person();
    const guest = await person();
    const created = await gateway.app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: host.headers,
      payload: {},
    });
    expect(created.statusCode).toBe(201);
    const room = roomSchema.parse(created.json());
    expect(room).toMatchObject({ hostId: host.id, isActive: true, maxParticipants: 4 });

    const read = await gateway.app.inject({ url: `/api/rooms/${room.id}`, headers: guest.headers });
    expect(read.json()).toEqual(room);
    const mine = await gateway.app.inject({ url: '/api/rooms?mine=true', headers: host.headers });
    expect(mine.json().rooms.map((r: { id: string }) => r.id)).toContain(room.id);

    const byGuest = await gateway.app.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/end`,
      headers: guest.headers,
    });
    expect(byGuest.statusCode).toBe(403);
    expect(byGuest.json()).toMatchObject({ code: 'NOT_HOST' });
    const ended = await gateway.app.inject({
      method: 'POST',
      url: `/api/rooms/${room.id}/end`,
      headers: host.headers,
    });
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ id: room.id, isActive: false });
    expect(
      (await gateway.app.inject({ url: `/api/rooms/${room.id}`, headers: guest.headers })).json()
        .isActive,
    ).toBe(false);
  });

  it('answers bad input with the contract codes', async () => {
    const host = await person();
    const tooBig = await gateway.app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: host.headers,
      payload: { maxParticipants: 7 },
    });
    expect(tooBig.json()).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      field: 'maxParticipants',
    });
    const badId = await gateway.app.inject({ url: '/api/rooms/not-a-uuid', headers: host.headers });
    expect(badId.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', field: 'id' });
    const missing = await gateway.app.inject({
      url: '/api/rooms/0b6b7a4e-4a55-4d0f-8f0a-3c1f8f5c2d9e',
      headers: host.headers,
    });
    expect(missing.json()).toMatchObject({ statusCode: 404, code: 'ROOM_NOT_FOUND' });
    const endMissing = await gateway.app.inject({
      method: 'POST',
      url: '/api/rooms/0b6b7a4e-4a55-4d0f-8f0a-3c1f8f5c2d9e/end',
      headers: host.headers,
    });
    expect(endMissing.statusCode).toBe(404);
  });
});

describe('ICE servers through the gateway', () => {
  it('issues TURN credentials that the real coturn accepts, at both paths', async () => {
    const caller = await person();
    for (const url of ['/api/ice-servers', '/api/ice/servers']) {
      const response = await gateway.app.inject({ url, headers: caller.headers });
      expect(response.statusCode).toBe(200);
      const { iceServers, ttl } = iceServersResponseSchema.parse(response.json());
      expect(ttl).toBeLessThanOrEqual(3600);
      const turn = iceServers.find((s) => s.urls.some((u) => u.startsWith('turn:')))!;
      expect(turn.username).toMatch(new RegExp(`^\\d+:${caller.id}$`));
      if (url !== '/api/ice-servers') continue; // one allocation proves the credential; each takes seconds
      const udp = turn.urls.find((u) => u.endsWith('transport=udp'))!;
      const attempt = await tryAllocate(turnEndpointOf(udp), turn.username!, turn.credential!);
      expect({
        allocated: attempt.allocated,
        output: attempt.allocated ? '' : attempt.output,
      }).toEqual({ allocated: true, output: '' });
    }
  }, 30_000);

  it('limits issuance per user: the 11th in a minute is 429 with Retry-After', async () => {
    const caller = await person();
    const statuses: number[] = [];
    let retryAfter: string | string[] | undefined;
    for (let i = 0; i < 11; i++) {
      const response = await gateway.app.inject({
        url: '/api/ice-servers',
        headers: caller.headers,
      });
      statuses.push(response.statusCode);
      retryAfter ??= response.headers['retry-after'];
    }
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
