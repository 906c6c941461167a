import { type Room, Endpoints, pathOf } from '@qual-meet/protocol';
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';
import { useApi } from '../../../lib/api-context';
import { roomKeys } from './room-keys';

/** `GET /api/rooms/:id`. */
export function getRoom(api: ApiClient, roomId: string): Promise<Room> {
  return api.json(pathOf(Endpoints.getRoom, { id: roomId }), Endpoints.getRoom.response[200]);
}

export const roomQueryOptions = (api: ApiClient, roomId: string) =>
  queryOptions({ queryKey: roomKeys.detail(roomId), queryFn: () => getRoom(api, roomId) });

export function useRoom(roomId: string) {
  return useQuery(roomQueryOptions(useApi(), roomId));
}
