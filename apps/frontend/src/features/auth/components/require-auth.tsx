import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { PageMessage } from '../../../components/page-message';
import { returnToState } from '../return-to';
import { useSession } from '../use-session';

/**
 * Shows `children` to signed-in people; others go to /login, which brings them back here.
 * While a reload restores the session from the refresh cookie, nothing is decided yet.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'restoring') return <PageMessage title="Loading…" />;
  if (session.status === 'signed-out') {
    return <Navigate to="/login" replace state={returnToState(location)} />;
  }
  return children;
}
