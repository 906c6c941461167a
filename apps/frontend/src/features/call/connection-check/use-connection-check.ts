import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../../../lib/api-context';
import { iceServersQueryOptions } from '../api/get-ice-servers';
import { probeIceServers } from './probe-servers';
import { verdictOf, type ServerProbe, type Verdict } from './verdict';

export type ConnectionCheckState =
  | { phase: 'checking' }
  | { phase: 'done'; probes: ServerProbe[]; verdict: Verdict }
  /** No WebRTC here, or the servers could not be fetched: nothing to judge. */
  | { phase: 'unavailable' };

/** Runs the connection check once, when the pre-join step opens. */
export function useConnectionCheck(): ConnectionCheckState {
  const api = useApi();
  const queryClient = useQueryClient();
  const [state, setState] = useState<ConnectionCheckState>(() =>
    typeof RTCPeerConnection === 'undefined' ? { phase: 'unavailable' } : { phase: 'checking' },
  );
  useEffect(() => {
    if (typeof RTCPeerConnection === 'undefined') return;
    let cancelled = false;
    queryClient
      .fetchQuery(iceServersQueryOptions(api))
      .then((response) => probeIceServers(response.iceServers))
      .then(
        (probes) => {
          if (!cancelled) setState({ phase: 'done', probes, verdict: verdictOf(probes) });
        },
        () => {
          if (!cancelled) setState({ phase: 'unavailable' });
        },
      );
    return () => {
      cancelled = true;
    };
  }, [api, queryClient]);
  return state;
}
