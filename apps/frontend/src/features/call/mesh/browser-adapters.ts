import type { CreatePeerConnection, CreateWebSocket } from './types';

/** `localStorage` key of the test switch that forces TURN relaying (see README). */
const ICE_TRANSPORT_POLICY_KEY = 'qm.iceTransportPolicy';

/**
 * The ICE transport policy the test switch asks for: `relay` when
 * `localStorage['qm.iceTransportPolicy'] === 'relay'`, otherwise undefined (all candidates).
 */
export function iceTransportPolicyFrom(
  storage: Pick<Storage, 'getItem'> | null,
): RTCIceTransportPolicy | undefined {
  try {
    return storage?.getItem(ICE_TRANSPORT_POLICY_KEY) === 'relay' ? 'relay' : undefined;
  } catch {
    // Storage can be disabled (privacy settings); the switch is then simply off.
    return undefined;
  }
}

/** The signaling endpoint on the page's own host: `wss:` under HTTPS, `ws:` otherwise. */
export function signalingUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** A real WebSocket, its events routed to the handlers until `close()` is called. */
export const createBrowserWebSocket: CreateWebSocket = (url, handlers) => {
  const socket = new WebSocket(url);
  socket.onopen = () => handlers.onOpen();
  socket.onmessage = (event: MessageEvent) => {
    if (typeof event.data === 'string') handlers.onMessage(event.data);
  };
  socket.onclose = (event: CloseEvent) => handlers.onClose(event.code, event.reason);
  return {
    send: (data) => socket.send(data),
    close: (code, reason) => {
      socket.onopen = socket.onmessage = socket.onclose = null;
      socket.close(code, reason);
    },
  };
};

/** A real RTCPeerConnection, its events routed to the handlers. */
export const createBrowserPeerConnection: CreatePeerConnection = (configuration, handlers) => {
  const pc = new RTCPeerConnection(configuration);
  pc.onicecandidate = ({ candidate }) => {
    if (!candidate) return;
    handlers.onIceCandidate({
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid,
      sdpMLineIndex: candidate.sdpMLineIndex,
      usernameFragment: candidate.usernameFragment,
    });
  };
  pc.ontrack = (event) => {
    const [stream] = event.streams;
    if (stream) handlers.onTrack(stream);
  };
  pc.oniceconnectionstatechange = () => handlers.onIceConnectionStateChange(pc.iceConnectionState);
  pc.onnegotiationneeded = () => handlers.onNegotiationNeeded();
  return pc;
};
