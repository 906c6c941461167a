import { type IceServersResponse, Endpoints, Limits, pathOf } from '@qual-meet/protocol';
import { type QueryClient, queryOptions } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';

/** `GET /api/ice-servers`: STUN/TURN servers with credentials valid for `ttl` seconds. */
export function getIceServers(api: ApiClient): Promise<IceServersResponse> {
  return api.json(pathOf(Endpoints.iceServers), Endpoints.iceServers.response[200]);
}

/**
 * Credentials are reused while less than this part of their ttl has passed. Issuance is limited
 * per user (10 a minute, DESIGN §3): the connection check and the join that follows it, or a
 * few meetings in a row, must not spend a fetch each, or the next join would get no relay.
 */
const REUSE_FOR = 0.5;

const ICE_SERVERS_KEY = ['ice-servers'] as const;

/**
 * Through the QueryClient, which dedupes concurrent fetches and keeps all server state in one
 * place (logging out clears it). Fresh for half the credentials' ttl; kept as long as they live.
 */
export const iceServersQueryOptions = (api: ApiClient) =>
  queryOptions({
    queryKey: ICE_SERVERS_KEY,
    queryFn: () => getIceServers(api),
    staleTime: (query) => (query.state.data?.ttl ?? 0) * 1_000 * REUSE_FOR,
    gcTime: Limits.maxIceTtlSeconds * 1_000,
  });

/**
 * The servers, from the cache while their credentials are fresh enough; `ttl` is what is left of
 * them, so a caller that refetches before they run out (the mesh engine) counts from their issue.
 */
export async function iceServersFrom(
  queryClient: QueryClient,
  api: ApiClient,
): Promise<IceServersResponse> {
  const response = await queryClient.fetchQuery(iceServersQueryOptions(api));
  // The query's own clock (`dataUpdatedAt` is `Date.now()` of the fetch).
  const now = Date.now();
  const fetchedAt = queryClient.getQueryState(ICE_SERVERS_KEY)?.dataUpdatedAt ?? now;
  const elapsedSeconds = Math.max(0, now - fetchedAt) / 1_000;
  return { ...response, ttl: Math.max(0, Math.floor(response.ttl - elapsedSeconds)) };
}
