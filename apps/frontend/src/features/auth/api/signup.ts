import { authSessionSchema, type AuthSession, type SignupBody } from '@qual-meet/protocol';
import { useMutation } from '@tanstack/react-query';
import type { ApiClient } from '../../../lib/api-client';
import { useApi } from '../../../lib/api-context';
import { useAdoptSession } from '../use-session';

/** `POST /api/auth/signup`: creates the account and signs it in. */
export function signup(api: ApiClient, body: SignupBody): Promise<AuthSession> {
  return api.json('/api/auth/signup', authSessionSchema, { method: 'POST', body, anonymous: true });
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
