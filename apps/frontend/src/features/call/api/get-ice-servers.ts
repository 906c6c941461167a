import { type IceServersResponse, Endpoints, pathOf } from '@qual-meet/protocol';
import { queryOptions } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';

/** `GET /api/ice-servers`: STUN/TURN servers with credentials valid for `ttl` seconds. */
export function getIceServers(api: ApiClient): Promise<IceServersResponse> {
  return api.json(pathOf(Endpoints.iceServers), Endpoints.iceServers.response[200]);
}

/**
 * Credentials are per fetch and short-lived: never served from cache (staleTime 0, gcTime 0);
 * the mesh engine decides when to refetch. Going through the QueryClient dedupes concurrent
 * fetches and keeps all server state in one place.
 */
export const iceServersQueryOptions = (api: ApiClient) =>
  queryOptions({
    queryKey: ['ice-servers'] as const,
    queryFn: () => getIceServers(api),
    staleTime: 0,
    gcTime: 0,
  });
