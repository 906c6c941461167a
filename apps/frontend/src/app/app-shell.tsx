import { Link, Outlet } from 'react-router';
import { useLogout } from '../features/auth/api/logout';
import { useSession } from '../features/auth/use-session';

/** Header (brand, who is signed in, log out) around every page. */
export function AppShell() {
  const session = useSession();
  const logout = useLogout();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          QUAL_MEET
        </Link>
        {session.status === 'signed-in' ? (
          <div className="app-header__user">
            <span className="app-header__email">{session.user.email}</span>
            <button
              type="button"
              className="button button--small"
              onClick={() => logout.mutate()}
              disabled={logout.isPending}
            >
              Log out
            </button>
          </div>
        ) : null}
      </header>
      <main id="main" tabIndex={-1} className="app-main">
        <Outlet />
      </main>
    </>
  );
}
