import { useRoutes, type RouteObject } from 'react-router';
import { RequireAuth } from '../features/auth/components/require-auth';
import { AppShell } from './app-shell';
import { LoginRoute, SignupRoute } from './routes/auth';
import { HomeRoute } from './routes/home';
import { NotFoundRoute } from './routes/not-found';
import { RoomRoute } from './routes/room';

/** The routes of DESIGN §7. */
export const appRoutes: RouteObject[] = [
  {
    element: <AppShell />,
    children: [
      { path: '/signup', element: <SignupRoute /> },
      { path: '/login', element: <LoginRoute /> },
      {
        path: '/',
        element: (
          <RequireAuth>
            <HomeRoute />
          </RequireAuth>
        ),
      },
      {
        path: '/room/:id',
        element: (
          <RequireAuth>
            <RoomRoute />
          </RequireAuth>
        ),
      },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

/**
 * The routes, rendered inside whichever router is around them (BrowserRouter in the app,
 * MemoryRouter in tests). No loaders or actions: server state belongs to TanStack Query.
 */
export function AppRoutes() {
  return useRoutes(appRoutes);
}
