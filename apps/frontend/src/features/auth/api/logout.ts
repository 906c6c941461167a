import { Endpoints, pathOf } from '@qual-meet/protocol';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';
import { useApi } from '../../../lib/api-context';

/** `POST /api/auth/logout`: revokes the refresh cookie. */
export function logout(api: ApiClient): Promise<void> {
  return api.send(pathOf(Endpoints.logout), { method: Endpoints.logout.method, anonymous: true });
}

/** Logs out on the server and, whatever it answers, in this tab. */
export function useLogout() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => logout(api),
    onSettled: () => {
      api.endSession();
      queryClient.removeQueries();
    },
  });
}
