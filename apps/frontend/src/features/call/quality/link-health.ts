import type { LinkSample } from './link-stats';
import type { LimitingSide } from './uplink-budget';

/** How a link is doing, in the words a tile and the Connection panel show. */
export interface LinkHealth {
  /** `direct` (host or server-reflexive pair) or `relayed` through TURN; null before a pair. */
  route: 'direct' | 'relayed' | null;
  /** Transport to the peer, or to the relay when relayed: UDP, TCP or TLS. */
  over: 'UDP' | 'TCP' | 'TLS' | null;
  rttMs: number | null;
  /** Percent of our packets the peer reports lost. */
  lossPercent: number | null;
  poor: boolean;
}

/** Round trips and loss above these make a connection poor (speech starts to suffer). */
const POOR_RTT_MS = 400;
const POOR_LOSS = 0.05;

const transportName = (protocol: string | null): LinkHealth['over'] => {
  switch (protocol?.toLowerCase()) {
    case 'udp':
      return 'UDP';
    case 'tcp':
      return 'TCP';
    case 'tls':
      return 'TLS';
    default:
      return null;
  }
};

export function linkHealthOf(
  sample: LinkSample | null,
  limitedBy: LimitingSide | null,
): LinkHealth {
  const path = sample?.path ?? null;
  const relayed = path !== null && (path.localType === 'relay' || path.remoteType === 'relay');
  const over = path
    ? transportName(
        relayed && path.localType === 'relay'
          ? (path.relayProtocol ?? path.protocol)
          : path.protocol,
      )
    : null;
  const rttMs = sample?.rttMs ?? null;
  const loss = sample?.loss ?? null;
  return {
    route: path ? (relayed ? 'relayed' : 'direct') : null,
    over,
    rttMs: rttMs === null ? null : Math.round(rttMs),
    lossPercent: loss === null ? null : Math.round(loss * 100),
    poor:
      limitedBy !== null ||
      (rttMs !== null && rttMs > POOR_RTT_MS) ||
      (loss !== null && loss >= POOR_LOSS),
  };
}

/** "relayed over TCP, 180 ms, 2 % loss"; null before a candidate pair. */
export function linkWords(health: LinkHealth): string | null {
  if (health.route === null) return null;
  const parts = [`${health.route}${health.over ? ` over ${health.over}` : ''}`];
  if (health.rttMs !== null) parts.push(`${health.rttMs} ms`);
  if (health.lossPercent !== null) parts.push(`${health.lossPercent} % loss`);
  return parts.join(', ');
}

/** "Bob ↔ you: relayed over TCP, 180 ms, 2 % loss" */
export function describeLink(name: string, health: LinkHealth): string {
  return `${name} ↔ you: ${linkWords(health) ?? 'connecting'}`;
}

/** What both people are told when video is paused or reduced to keep audio. */
export function limitNotice(
  limitedBy: LimitingSide | null,
  videoPaused: boolean,
  whoseConnection: { self: true } | { self: false; name: string },
): string | null {
  if (limitedBy === null) return null;
  const who = whoseConnection.self ? 'your connection' : `${whoseConnection.name}'s connection`;
  return videoPaused
    ? `Video paused to keep audio — ${who} is weak`
    : `Poor connection — ${who} is limiting video`;
}
