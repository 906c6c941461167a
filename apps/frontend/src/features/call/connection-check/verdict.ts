/** One ICE server URL as the check tried it. */
export interface ServerProbe {
  /** e.g. `turns:meet.example.com:443?transport=tcp`. */
  url: string;
  scheme: 'stun' | 'turn' | 'turns';
  /** How the browser reaches the server. */
  transport: 'udp' | 'tcp';
  port: number;
  /**
   * `reached`: a server-reflexive (STUN) or relay (TURN) candidate came back; `refused`: the
   * relay answered but rejected the credentials; `unreachable`: nothing within the time.
   */
  outcome: 'reached' | 'refused' | 'unreachable';
}

/** What the check concludes, as a union: each verdict is one sentence for a person. */
export type Verdict = 'direct' | 'udp-blocked' | 'tls-only' | 'credentials-refused' | 'no-relay';

export const VERDICT_TEXT: Record<Verdict, string> = {
  direct: 'Direct connections work',
  'udp-blocked': 'UDP is blocked here — calls will be relayed over TCP',
  'tls-only': 'Only secure web traffic (port 443) gets through — calls will be relayed over TLS',
  'credentials-refused': 'The relay refused our credentials',
  'no-relay': 'No relay reachable — you can only reach people on open networks',
};

const reached = (probes: ServerProbe[], test: (probe: ServerProbe) => boolean) =>
  probes.some((probe) => probe.outcome === 'reached' && test(probe));

/**
 * The verdict for what the probes found, best case first: UDP out (STUN or a UDP relay) means
 * direct connections work; else a TCP relay on a port other than 443, then TURN over TLS (or TCP)
 * on 443 alone; a relay that answered only to refuse us means our credentials are at fault;
 * nothing at all leaves only direct calls to open networks.
 */
export function verdictOf(probes: ServerProbe[]): Verdict {
  if (reached(probes, (p) => p.transport === 'udp')) return 'direct';
  if (reached(probes, (p) => p.scheme !== 'stun' && p.port !== 443)) return 'udp-blocked';
  if (reached(probes, (p) => p.scheme !== 'stun')) return 'tls-only';
  if (probes.some((p) => p.outcome === 'refused')) return 'credentials-refused';
  return 'no-relay';
}

/** Scheme, transport and port of an ICE URL (RFC 7064/7065), or null when it is not one. */
export function parseIceUrl(url: string): Omit<ServerProbe, 'outcome'> | null {
  const match = /^(stuns?|turns?):(\[[^\]]+\]|[^:?]+)(?::(\d+))?(?:\?transport=(udp|tcp))?$/.exec(
    url,
  );
  if (!match) return null;
  const scheme = match[1] as 'stun' | 'stuns' | 'turn' | 'turns';
  if (scheme === 'stuns') return null;
  const secure = scheme === 'turns';
  return {
    url,
    scheme,
    transport: secure ? 'tcp' : ((match[4] as 'udp' | 'tcp' | undefined) ?? 'udp'),
    port: match[3] ? Number(match[3]) : secure ? 5349 : 3478,
  };
}
