import { roomSchema } from '@qual-meet/protocol';
import { FakeClock, flushPromises } from '../test-support/fake-clock';
import { authSession, FakeFetch, reply } from '../test-support/fake-fetch';
import { ApiClient, ApiError, NetworkError } from './api-client';

const ROOM = {
  id: '00000000-0000-4000-8000-0000000000f1',
  hostId: '00000000-0000-4000-8000-000000000001',
  isActive: true,
  maxParticipants: 4,
  createdAt: '2025-01-01T10:00:00.000Z',
};
const ROOM_URL = `/api/rooms/${ROOM.id}`;

function setup() {
  const clock = new FakeClock();
  const http = new FakeFetch();
  const api = new ApiClient({ fetch: http.fetch, timers: clock });
  return { clock, http, api };
}

function signedIn(token = 'access-1', expiresIn = 900) {
  const harness = setup();
  harness.api.startSession(authSession(token, expiresIn));
  return harness;
}

describe('ApiClient requests', () => {
  it('sends the in-memory token as bearer and validates the answer', async () => {
    const { api, http } = signedIn();
    http.on(`GET ${ROOM_URL}`, reply.json(200, ROOM));
    await expect(api.json(ROOM_URL, roomSchema)).resolves.toEqual(ROOM);
    expect(http.requests[0]).toMatchObject({
      headers: { authorization: 'Bearer access-1', accept: 'application/json' },
      credentials: 'same-origin',
    });
  });

  it('sends JSON bodies with a content type, and none without a body', async () => {
    const { api, http } = signedIn();
    http.on('POST /api/rooms', reply.json(201, ROOM));
    http.on('POST /api/auth/logout', reply.empty());
    await api.json('/api/rooms', roomSchema, { method: 'POST', body: { maxParticipants: 4 } });
    await api.send('/api/auth/logout', { method: 'POST', anonymous: true });
    expect(http.requests[0]).toMatchObject({
      headers: { 'content-type': 'application/json' },
      body: { maxParticipants: 4 },
    });
    expect(http.requests[1]?.headers['content-type']).toBeUndefined();
    expect(http.requests[1]?.headers['authorization']).toBeUndefined();
  });

  it('turns the API error shape into a typed ApiError', async () => {
    const { api, http } = signedIn();
    http.on(`GET ${ROOM_URL}`, reply.error(404, 'ROOM_NOT_FOUND', 'Room not found'));
    const error = await api.json(ROOM_URL, roomSchema).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'ROOM_NOT_FOUND', message: 'Room not found' });
  });

  it('keeps the offending field of a validation error', async () => {
    const { api, http } = setup();
    http.on('POST /api/auth/signup', reply.error(400, 'VALIDATION_FAILED', 'bad', 'password'));
    await expect(
      api.json('/api/auth/signup', roomSchema, { method: 'POST', body: {}, anonymous: true }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'password' });
  });

  it('names non-API errors by status and network failures as such', async () => {
    const { api, http } = signedIn();
    http.on(`GET ${ROOM_URL}`, { status: 502, body: '<html>' });
    await expect(api.json(ROOM_URL, roomSchema)).rejects.toMatchObject({ code: 'HTTP_502' });
    http.on('GET /api/x', new TypeError('Failed to fetch'));
    await expect(api.json('/api/x', roomSchema)).rejects.toBeInstanceOf(NetworkError);
  });

  it('rejects an answer that does not match the schema', async () => {
    const { api, http } = signedIn();
    http.on(`GET ${ROOM_URL}`, reply.json(200, { id: 'nope' }));
    await expect(api.json(ROOM_URL, roomSchema)).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });
});

describe('ApiClient on 401', () => {
  it('refreshes once and retries with the new token', async () => {
    const { api, http } = signedIn();
    http.on(`GET ${ROOM_URL}`, reply.error(401, 'UNAUTHORIZED'));
    http.on(`GET ${ROOM_URL}`, reply.json(200, ROOM));
    http.on('POST /api/auth/refresh', reply.json(200, authSession('access-2')));
    await expect(api.json(ROOM_URL, roomSchema)).resolves.toEqual(ROOM);
    expect(http.calls('POST /api/auth/refresh')).toHaveLength(1);
    expect(http.calls(`GET ${ROOM_URL}`).map((r) => r.headers['authorization'])).toEqual([
      'Bearer access-1',
      'Bearer access-2',
    ]);
    expect(http.calls('POST /api/auth/refresh')[0]?.credentials).toBe('same-origin');
  });

  it('shares one refresh between concurrent requests', async () => {
    const { api, http } = signedIn();
    let release = () => {};
    http.on(`GET ${ROOM_URL}`, (r) =>
      r.headers['authorization'] === 'Bearer access-2'
        ? reply.json(200, ROOM)
        : reply.error(401, 'UNAUTHORIZED'),
    );
    http.on(
      'POST /api/auth/refresh',
      () =>
        new Promise((resolve) => {
          release = () => resolve(reply.json(200, authSession('access-2')));
        }),
    );
    const all = Promise.all([api.json(ROOM_URL, roomSchema), api.json(ROOM_URL, roomSchema)]);
    await flushPromises();
    release();
    await expect(all).resolves.toEqual([ROOM, ROOM]);
    expect(http.calls('POST /api/auth/refresh')).toHaveLength(1);
  });

  it('signs out when the refresh cookie is refused, so the login page shows', async () => {
    const { api, http, clock } = signedIn();
    http.on(`GET ${ROOM_URL}`, reply.error(401, 'UNAUTHORIZED'));
    http.on('POST /api/auth/refresh', reply.error(401, 'INVALID_REFRESH_TOKEN'));
    await expect(api.json(ROOM_URL, roomSchema)).rejects.toMatchObject({ status: 401 });
    expect(api.session.getSnapshot()).toEqual({ status: 'signed-out' });
    expect(http.calls(`GET ${ROOM_URL}`)).toHaveLength(1);
    expect(clock.pendingCount).toBe(0);
  });

  it('signs out when even the fresh token is refused, without refreshing again', async () => {
    const { api, http } = signedIn();
    http.on(`GET ${ROOM_URL}`, reply.error(401, 'UNAUTHORIZED'));
    http.on('POST /api/auth/refresh', reply.json(200, authSession('access-2')));
    await expect(api.json(ROOM_URL, roomSchema)).rejects.toMatchObject({ status: 401 });
    expect(http.calls('POST /api/auth/refresh')).toHaveLength(1);
    expect(api.session.getSnapshot().status).toBe('signed-out');
  });

  it('never refreshes for anonymous calls (a wrong password is just that)', async () => {
    const { api, http } = setup();
    http.on('POST /api/auth/login', reply.error(401, 'INVALID_CREDENTIALS'));
    await expect(
      api.json('/api/auth/login', roomSchema, { method: 'POST', body: {}, anonymous: true }),
    ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(http.calls('POST /api/auth/refresh')).toHaveLength(0);
  });
});

describe('ApiClient session lifetime', () => {
  it('restores the session after a reload from the refresh cookie', async () => {
    const { api, http } = setup();
    expect(api.session.getSnapshot()).toEqual({ status: 'restoring' });
    http.on('POST /api/auth/refresh', reply.json(200, authSession('restored')));
    await expect(api.refresh()).resolves.toBe(true);
    expect(api.session.getSnapshot()).toMatchObject({
      status: 'signed-in',
      accessToken: 'restored',
    });
    expect(api.accessToken()).toBe('restored');
  });

  it('is signed out after a reload without a valid cookie', async () => {
    const { api, http } = setup();
    http.on('POST /api/auth/refresh', reply.error(401, 'INVALID_REFRESH_TOKEN'));
    await expect(api.refresh()).resolves.toBe(false);
    expect(api.session.getSnapshot()).toEqual({ status: 'signed-out' });
  });

  it('refreshes a minute before the access token expires', async () => {
    const { api, http, clock } = signedIn('access-1', 900);
    http.on('POST /api/auth/refresh', reply.json(200, authSession('access-2', 900)));
    clock.advance(839_999);
    expect(http.calls('POST /api/auth/refresh')).toHaveLength(0);
    clock.advance(1);
    await flushPromises();
    expect(api.accessToken()).toBe('access-2');
    expect(clock.pendingDelays()).toEqual([840_000]);
  });

  it('retries a refresh that failed for a transient reason while the token is still valid', async () => {
    const { api, http, clock } = signedIn('access-1', 900);
    http.on('POST /api/auth/refresh', new TypeError('offline'));
    http.on('POST /api/auth/refresh', reply.json(200, authSession('access-2')));
    clock.advance(840_000);
    await flushPromises();
    expect(api.accessToken()).toBe('access-1');
    expect(clock.pendingDelays()).toEqual([10_000]);
    clock.advance(10_000);
    await flushPromises();
    expect(api.accessToken()).toBe('access-2');
  });

  it('holds the cross-tab lock while refreshing', async () => {
    const clock = new FakeClock();
    const http = new FakeFetch().on('POST /api/auth/refresh', reply.json(200, authSession()));
    const locks: string[] = [];
    const api = new ApiClient({
      fetch: http.fetch,
      timers: clock,
      withLock: async (name, task) => {
        locks.push(`acquire ${name}`);
        const result = await task();
        locks.push(`release ${name}`);
        return result;
      },
    });
    await api.refresh();
    expect(locks).toEqual(['acquire qual-meet.auth-refresh', 'release qual-meet.auth-refresh']);
  });

  it('endSession forgets the token and cancels the scheduled refresh', () => {
    const { api, clock } = signedIn();
    expect(clock.pendingCount).toBe(1);
    api.endSession();
    expect(api.accessToken()).toBeNull();
    expect(clock.pendingCount).toBe(0);
  });
});
