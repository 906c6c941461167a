import { randomUUID } from 'node:crypto';
import {
  claimsFor,
  badAuthorizationHeaders,
  bearerFor,
  unauthorizedBody,
} from '@qual-meet/testing';
import { useRoomsSuite, type Method } from './test-support/rooms-suite';

// Every route of room-service behind its bearer token, and what operations read.
const suite = useRoomsSuite();
const { call, createRoom, storedRoom, countMeetings } = suite;

describe('bearer token on every route', () => {
  it('refuses a missing, forged, tampered, expired or unsigned token with the same 401', async () => {
    const room = await createRoom();
    const meetingsBefore = await countMeetings();
    const claims = claimsFor(suite.host.id, suite.host.email);
    const valid = suite.host.authorization.slice('Bearer '.length);
    const badHeaders = badAuthorizationHeaders(suite.keys, claims, valid);
    const routes: [Method, string][] = [
      ['POST', '/api/rooms'],
      ['GET', `/api/rooms/${room.id}`],
      ['POST', `/api/rooms/${room.id}/end`],
      ['GET', '/api/rooms?mine=true'],
      // Authentication comes before validation: a bad id still answers 401.
      ['GET', '/api/rooms/not-a-uuid'],
    ];
    for (const [method, url] of routes) {
      for (const [name, authorization] of Object.entries(badHeaders)) {
        const response = await suite.app.inject({
          method,
          url,
          headers: authorization ? { authorization } : {},
        });
        expect({ method, url, name, status: response.statusCode, body: response.json() }).toEqual({
          method,
          url,
          name,
          status: 401,
          body: unauthorizedBody(),
        });
      }
    }
    // None of the refused calls wrote or ended anything.
    expect(await storedRoom(room.id)).toMatchObject({ is_active: true });
    expect(await countMeetings()).toBe(meetingsBefore);
  });

  it('refuses a valid token whose account no longer exists when creating, writing nothing', async () => {
    const ghost = randomUUID();
    const response = await suite.app.inject({
      method: 'POST',
      url: '/api/rooms',
      headers: { authorization: bearerFor(suite.keys, ghost) },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('UNAUTHORIZED');
    expect(await suite.db.sql`SELECT id FROM meetings WHERE host_id = ${ghost}`).toHaveLength(0);
  });
});

describe('operations', () => {
  it('serves /healthz and /readyz with both dependencies up', async () => {
    expect((await suite.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await suite.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
  });

  it('serves Prometheus metrics, request durations by route included', async () => {
    await call('GET', `/api/rooms/${randomUUID()}`, suite.host);
    const metrics = await suite.app.inject({ url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/api\/rooms\/:id"/,
    );
  });

  it('answers unknown paths under /api/rooms with a 404 JSON error', async () => {
    const response = await call('GET', `/api/rooms/${randomUUID()}/members`, suite.host);
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('NOT_FOUND');
  });
});
