import { type AuthSession, type SignupBody, Endpoints, pathOf } from '@qual-meet/protocol';
import { useMutation } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';
import { useApi } from '../../../lib/api-context';
import { useAdoptSession } from '../use-session';

/** `POST /api/auth/signup`: creates the account and signs it in. */
export function signup(api: ApiClient, body: SignupBody): Promise<AuthSession> {
  return api.json(pathOf(Endpoints.signup), Endpoints.signup.response[201], {
    method: Endpoints.signup.method,
    body,
    anonymous: true,
  });
}

/** Creates the account and adopts its session. */
export function useSignup() {
  const api = useApi();
  const adoptSession = useAdoptSession();
  return useMutation({
    // The person retries: each attempt counts against the account's and address's limits.
    retry: false,
    mutationFn: (body: SignupBody) => signup(api, body),
    onSuccess: adoptSession,
  });
}
