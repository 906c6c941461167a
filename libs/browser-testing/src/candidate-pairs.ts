import type { Page } from 'playwright-core';

/** One end of a selected ICE candidate pair, from `getStats()`. */
export interface CandidateEnd {
  /** `host`, `srflx`, `prflx` or `relay`. */
  candidateType: string;
  /** Transport between this browser and the far end (or its relay): `udp` or `tcp`. */
  protocol: string;
  /** For a relay candidate: how this browser reaches the relay (`udp`, `tcp`, `tls`). */
  relayProtocol?: string;
  address?: string;
  port?: number;
  /** For a local srflx or relay candidate: the ICE server URL that gave it. */
  url?: string;
}

export interface SelectedPair {
  local: CandidateEnd;
  remote: CandidateEnd;
}

/**
 * The selected candidate pair of every connected peer connection on the page (recorded by
 * {@link recordPeerConnections}), in the order they were created.
 */
export function selectedCandidatePairs(page: Page): Promise<SelectedPair[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __qmPeerConnections: RTCPeerConnection[] })
      .__qmPeerConnections;
    const pairs: SelectedPair[] = [];
    for (const pc of pcs.filter((p) => p.connectionState === 'connected')) {
      const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
      const transport = stats.find((s) => s.type === 'transport');
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
      const end = (id: unknown): CandidateEnd => {
        const candidate = stats.find((s) => s.id === id) ?? {};
        return {
          candidateType: String(candidate.candidateType),
          protocol: String(candidate.protocol),
          ...(candidate.relayProtocol ? { relayProtocol: String(candidate.relayProtocol) } : {}),
          ...(candidate.address ? { address: String(candidate.address) } : {}),
          ...(candidate.port ? { port: Number(candidate.port) } : {}),
          ...(candidate.url ? { url: String(candidate.url) } : {}),
        };
      };
      pairs.push({ local: end(pair?.localCandidateId), remote: end(pair?.remoteCandidateId) });
    }
    return pairs;
  });
}
