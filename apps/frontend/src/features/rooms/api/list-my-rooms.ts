import { type Room, Endpoints, pathOf } from '@qual-meet/protocol';
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';
import { useApi } from '../../../lib/api-context';
import { roomKeys } from './room-keys';

/** `GET /api/rooms?mine=true`: meetings we host, as `{rooms}`. */
export async function listMyRooms(api: ApiClient): Promise<Room[]> {
  const { rooms } = await api.json(
    `${pathOf(Endpoints.listMyRooms)}?mine=true`,
    Endpoints.listMyRooms.response[200],
  );
  return rooms;
}

export const myRoomsQueryOptions = (api: ApiClient) =>
  queryOptions({ queryKey: roomKeys.mine(), queryFn: () => listMyRooms(api) });

export function useMyRooms() {
  return useQuery(myRoomsQueryOptions(useApi()));
}
