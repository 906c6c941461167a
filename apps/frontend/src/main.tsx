import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { AppProviders } from './app/providers';
import { AppRoutes } from './app/router';
import { ApiClient } from './lib/api-client';
import { withNavigatorLock } from './lib/navigator-lock';
import { createQueryClient } from './lib/react-query';
import { browserTimers } from './lib/timers';
import './styles.css';

const api = new ApiClient({
  fetch: (url, init) => fetch(url, init),
  timers: browserTimers,
  withLock: withNavigatorLock,
});
// The access token lives only in memory: after a reload, the refresh cookie restores it.
void api.refresh();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppProviders api={api} queryClient={createQueryClient()}>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </AppProviders>
  </StrictMode>,
);
