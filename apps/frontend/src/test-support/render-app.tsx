import './jsdom-polyfills';
import { render } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import { MemoryRouter, useLocation, type Location } from 'react-router';
import { AppProviders } from '../app/providers';
import { AppRoutes } from '../app/router';
import { CallEnvironmentProvider, type CallEnvironment } from '../features/call/call-environment';
import { ApiClient } from '../lib/api-client';
import { FakeClock } from './fake-clock';
import { authSession, FakeFetch } from './fake-fetch';

interface RenderAppOptions {
  /** Where the app starts. */
  path: string;
  http?: FakeFetch;
  /** The session at start: signed in as `authSession()` by default. */
  session?: 'signed-in' | 'signed-out' | 'restoring';
  /** Replaces camera, microphone and WebRTC; a room page needs one. */
  call?: CallEnvironment;
}

/** The whole app (routes, providers) in a memory router, with a fake backend. */
export function renderApp(options: RenderAppOptions) {
  const http = options.http ?? new FakeFetch();
  const clock = new FakeClock();
  const api = new ApiClient({ fetch: http.fetch, timers: clock });
  const session = options.session ?? 'signed-in';
  if (session === 'signed-in') api.startSession(authSession());
  if (session === 'signed-out') api.endSession();
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const location: { current: Location | null } = { current: null };
  const tree = (
    <AppProviders api={api} queryClient={queryClient}>
      <MemoryRouter initialEntries={[options.path]}>
        <AppRoutes />
        <LocationProbe into={location} />
      </MemoryRouter>
    </AppProviders>
  );
  const view = render(
    options.call ? (
      <CallEnvironmentProvider value={options.call}>{tree}</CallEnvironmentProvider>
    ) : (
      tree
    ),
  );
  /** The path the app is showing now. */
  const pathname = () => location.current?.pathname;
  return { ...view, http, api, pathname, queryClient, clock };
}

/** Reports the router's location to the test. */
function LocationProbe({ into }: { into: { current: Location | null } }) {
  // Written during render on purpose: the test reads it after React settled.
  // eslint-disable-next-line react-hooks/immutability
  into.current = useLocation();
  return null;
}
