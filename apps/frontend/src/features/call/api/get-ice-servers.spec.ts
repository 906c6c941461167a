import { QueryClient } from '@tanstack/react-query';
import { ApiClient } from '../../../lib/api-client';
import { FakeClock } from '../../../test-support/fake-clock';
import { authSession, FakeFetch, reply } from '../../../test-support/fake-fetch';
import { iceServersFrom, iceServersQueryOptions } from './get-ice-servers';

const ROUTE = 'GET /api/ice-servers';
const TTL = 600;
const servers = (n: number) => ({
  iceServers: [{ urls: ['turn:turn.test:3478'], username: `exp:user-${n}`, credential: `c${n}` }],
  ttl: TTL,
});

const cleanups: (() => void)[] = [];

function setup() {
  const http = new FakeFetch()
    .on(ROUTE, reply.json(200, servers(1)))
    .on(ROUTE, reply.json(200, servers(2)));
  const api = new ApiClient({ fetch: http.fetch, timers: new FakeClock() });
  api.startSession(authSession());
  const queryClient = new QueryClient();
  // Its cache timers (the credentials are kept for an hour) must not outlive the test.
  cleanups.push(() => queryClient.clear());
  let now = 1_000_000;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  const later = (seconds: number) => (now += seconds * 1_000);
  return { http, api, queryClient, later };
}

afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
  jest.restoreAllMocks();
});

describe('ICE servers for a call', () => {
  it('reuses credentials for half their ttl, telling what is left of it', async () => {
    const { http, api, queryClient, later } = setup();
    // The connection check before joining, then the join: one issuance.
    await queryClient.fetchQuery(iceServersQueryOptions(api));
    later(100);
    const reused = await iceServersFrom(queryClient, api);
    expect(http.calls(ROUTE)).toHaveLength(1);
    expect(reused).toMatchObject({ ttl: TTL - 100, iceServers: [{ credential: 'c1' }] });
  });

  it('fetches new ones once half the ttl has passed', async () => {
    const { http, api, queryClient, later } = setup();
    await iceServersFrom(queryClient, api);
    later(TTL / 2);
    const fresh = await iceServersFrom(queryClient, api);
    expect(http.calls(ROUTE)).toHaveLength(2);
    expect(fresh).toMatchObject({ ttl: TTL, iceServers: [{ credential: 'c2' }] });
  });

  it('forgets them with the session (another person signs in on this tab)', async () => {
    const { http, api, queryClient } = setup();
    await iceServersFrom(queryClient, api);
    queryClient.removeQueries();
    await iceServersFrom(queryClient, api);
    expect(http.calls(ROUTE)).toHaveLength(2);
  });
});
