import { type AuthSession, type LoginBody, Endpoints, pathOf } from '@qual-meet/protocol';
import { useMutation } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';
import { useApi } from '../../../lib/api-context';
import { useAdoptSession } from '../use-session';

/** `POST /api/auth/login`. */
export function login(api: ApiClient, body: LoginBody): Promise<AuthSession> {
  return api.json(pathOf(Endpoints.login), Endpoints.login.response[200], {
    method: Endpoints.login.method,
    body,
    anonymous: true,
  });
}

/** Logs in and adopts the session. */
export function useLogin() {
  const api = useApi();
  const adoptSession = useAdoptSession();
  return useMutation({
    // The person retries: each attempt counts against the account's and address's limits.
    retry: false,
    mutationFn: (body: LoginBody) => login(api, body),
    onSuccess: adoptSession,
  });
}
