import type { IceServer } from '@qual-meet/protocol';
import { parseIceUrl, type ServerProbe } from './verdict';

/** How long one probe may take: the check must not hold up joining. */
export const PROBE_TIMEOUT_MS = 4_000;

/** TURN's "Unauthorized" and "Stale Nonce" after the retry: the credentials were refused. */
const REFUSED_CODES = new Set([401, 438]);

/**
 * Gathers candidates from one ICE server URL in a throwaway peer connection (nothing is ever
 * sent to a peer): a server-reflexive candidate from STUN, or a relay candidate from TURN,
 * means the server was reached over that transport.
 */
function probe(server: IceServer, url: string, timeoutMs: number): Promise<ServerProbe | null> {
  const target = parseIceUrl(url);
  if (!target) return Promise.resolve(null);
  const wanted: RTCIceCandidateType = target.scheme === 'stun' ? 'srflx' : 'relay';
  const pc = new RTCPeerConnection({
    iceServers: [
      {
        urls: [url],
        ...(server.username === undefined ? {} : { username: server.username }),
        ...(server.credential === undefined ? {} : { credential: server.credential }),
      },
    ],
  });
  return new Promise<ServerProbe>((resolve) => {
    let refused = false;
    const finish = (outcome: ServerProbe['outcome']) => {
      clearTimeout(timer);
      pc.close();
      resolve({ ...target, outcome });
    };
    const timer = setTimeout(() => finish(refused ? 'refused' : 'unreachable'), timeoutMs);
    pc.addEventListener('icecandidate', (event) => {
      if (event.candidate?.type === wanted) finish('reached');
      else if (event.candidate === null) finish(refused ? 'refused' : 'unreachable');
    });
    pc.addEventListener('icecandidateerror', (event) => {
      if (REFUSED_CODES.has((event as RTCPeerConnectionIceErrorEvent).errorCode)) refused = true;
    });
    pc.createDataChannel('connection-check');
    pc.createOffer()
      .then((offer) => pc.setLocalDescription(offer))
      .catch(() => finish('unreachable'));
  });
}

/** Probes every URL of every ICE server at once; resolves within about `timeoutMs`. */
export async function probeIceServers(
  servers: IceServer[],
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<ServerProbe[]> {
  const probes = await Promise.all(
    servers.flatMap((server) => server.urls.map((url) => probe(server, url, timeoutMs))),
  );
  return probes.filter((result): result is ServerProbe => result !== null);
}
