import { type Room, Endpoints, pathOf } from '@qual-meet/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';
import { useApi } from '../../../lib/api-context';
import { roomKeys } from './room-keys';

/** `POST /api/rooms/:id/end` (host only): ends the meeting for everyone in it. */
export function endRoom(api: ApiClient, roomId: string): Promise<Room> {
  return api.json(pathOf(Endpoints.endRoom, { id: roomId }), Endpoints.endRoom.response[200], {
    method: Endpoints.endRoom.method,
  });
}

export function useEndRoom() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (roomId: string) => endRoom(api, roomId),
    onSuccess: (room) => {
      queryClient.setQueryData(roomKeys.detail(room.id), room);
      return queryClient.invalidateQueries({ queryKey: roomKeys.mine() });
    },
  });
}
