import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { PageMessage } from '../../../components/page-message';
import { returnPath } from '../return-to';
import { useSession } from '../use-session';

/**
 * For /login and /signup: a signed-in person (just now, or already) goes on to the page that
 * sent them here. While a reload restores the session, the form is not flashed.
 */
export function GuestOnly({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'signed-in') return <Navigate to={returnPath(location.state)} replace />;
  if (session.status === 'restoring') return <PageMessage title="Loading…" />;
  return children;
}
