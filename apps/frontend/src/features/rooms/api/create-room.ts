import { type CreateRoomBody, type Room, Endpoints, pathOf } from '@qual-meet/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';
import { useApi } from '../../../lib/api-context';
import { roomKeys } from './room-keys';

/** `POST /api/rooms`: a new meeting hosted by us. */
export function createRoom(api: ApiClient, body: CreateRoomBody): Promise<Room> {
  return api.json(pathOf(Endpoints.createRoom), Endpoints.createRoom.response[201], {
    method: Endpoints.createRoom.method,
    body,
  });
}

export function useCreateRoom() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateRoomBody) => createRoom(api, body),
    onSuccess: (room) => {
      queryClient.setQueryData(roomKeys.detail(room.id), room);
      return queryClient.invalidateQueries({ queryKey: roomKeys.mine() });
    },
  });
}
