import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { ApiClient } from '../../lib/api-client';
import { useApi } from '../../lib/api-context';
import { browserTimers } from '../../lib/timers';
import { iceServersFrom } from './api/get-ice-servers';
import type { MediaDevicesLike } from './media/local-media';
import type { DisplayMediaLike } from './media/screen-share';
import {
  createBrowserPeerConnection,
  createBrowserWebSocket,
  iceTransportPolicyFrom,
  signalingUrlFor,
  uploadBudgetFrom,
} from './mesh/browser-adapters';
import { joinTraceFrom } from './mesh/join-trace';
import { MeshSession } from './mesh/mesh-session';

/** What the meeting UI needs from the browser; tests provide fakes. */
export interface CallEnvironment {
  mediaDevices: MediaDevicesLike | undefined;
  /** Screen capture (`getDisplayMedia`); undefined where the browser has none (most phones). */
  displayMedia: DisplayMediaLike | undefined;
  /** Whether remote audio can be routed to a chosen speaker (`HTMLMediaElement.setSinkId`). */
  canSelectSpeaker: boolean;
  createSession(options: {
    roomId: string;
    localStream: MediaStream | null;
    /** Our email's domain: others from another domain are named with theirs. */
    selfDomain: string;
  }): MeshSession;
}

const CallEnvironmentContext = createContext<CallEnvironment | null>(null);

/** Replaces the browser's devices and WebRTC (component tests). */
export function CallEnvironmentProvider(props: { value: CallEnvironment; children: ReactNode }) {
  return (
    <CallEnvironmentContext.Provider value={props.value}>
      {props.children}
    </CallEnvironmentContext.Provider>
  );
}

function readStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The real thing: this page's camera, WebSocket and RTCPeerConnection. */
export function browserCallEnvironment(api: ApiClient, queryClient: QueryClient): CallEnvironment {
  // Read once: the switch holds for every meeting of this page.
  const uploadBudget = uploadBudgetFrom(window.location.search);
  return {
    mediaDevices: navigator.mediaDevices as MediaDevicesLike | undefined,
    displayMedia:
      typeof navigator.mediaDevices?.getDisplayMedia === 'function'
        ? { getDisplayMedia: (options) => navigator.mediaDevices.getDisplayMedia(options) }
        : undefined,
    canSelectSpeaker: 'setSinkId' in HTMLMediaElement.prototype,
    createSession: ({ roomId, localStream, selfDomain }) =>
      new MeshSession({
        roomId,
        localStream,
        selfDomain,
        signalingUrl: signalingUrlFor(window.location),
        iceTransportPolicy: iceTransportPolicyFrom(readStorage()),
        uploadBudget,
        deps: {
          createWebSocket: createBrowserWebSocket,
          createPeerConnection: createBrowserPeerConnection,
          fetchIceServers: () => iceServersFrom(queryClient, api),
          timers: browserTimers,
          trace: joinTraceFrom(readStorage(), performance),
          auth: {
            getToken: () => api.accessToken(),
            refresh: async () => ((await api.refresh()) ? api.accessToken() : null),
            subscribe: (listener) => api.session.subscribe(listener),
          },
        },
      }),
  };
}

/** The environment provided above, or the browser's. */
export function useCallEnvironment(): CallEnvironment {
  const provided = useContext(CallEnvironmentContext);
  const api = useApi();
  const queryClient = useQueryClient();
  const browser = useMemo(
    () => (provided ? null : browserCallEnvironment(api, queryClient)),
    [provided, api, queryClient],
  );
  return provided ?? (browser as CallEnvironment);
}
