import type { AuthSession, User } from '@qual-meet/protocol';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { SessionState } from '../../lib/api-client';
import { useApi } from '../../lib/api-context';
import { useSnapshot } from '../../lib/use-snapshot';

/** The session of this tab; re-renders when it starts, renews or ends. */
export function useSession(): SessionState {
  return useSnapshot(useApi().session);
}

/** The signed-in user; only for components rendered behind `RequireAuth`. */
export function useCurrentUser(): User {
  const state = useSession();
  if (state.status !== 'signed-in') throw new Error('useCurrentUser needs a signed-in session');
  return state.user;
}

/**
 * Adopts the session a login or signup returned; cached data of whoever used the tab before
 * is dropped first.
 */
export function useAdoptSession(): (session: AuthSession) => void {
  const api = useApi();
  const queryClient = useQueryClient();
  return useCallback(
    (session: AuthSession) => {
      queryClient.removeQueries();
      api.startSession(session);
    },
    [api, queryClient],
  );
}
