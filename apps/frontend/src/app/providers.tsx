import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { ApiClient } from '../lib/api-client';
import { ApiProvider } from '../lib/api-context';

/** Everything app-wide that components reach through context. */
export function AppProviders(props: {
  api: ApiClient;
  queryClient: QueryClient;
  children: ReactNode;
}) {
  return (
    <ApiProvider client={props.api}>
      <QueryClientProvider client={props.queryClient}>{props.children}</QueryClientProvider>
    </ApiProvider>
  );
}
