/**
 * Reads one peer connection's `getStats()` report into the few figures the upload budget and
 * the link-health display need. Field names are those of the W3C webrtc-stats spec; a browser
 * that lacks one gives `null`, never a guess.
 */

/** One entry of an `RTCStatsReport`, as the engine sees it (the browser's objects fit). */
export type StatsEntry = { readonly type: string; readonly id: string } & Readonly<
  Record<string, unknown>
>;

/** How a link's media travels: straight between the two, or through the TURN relay. */
export interface LinkPath {
  /** `host`, `srflx`, `prflx` or `relay`, for our end and theirs. */
  localType: string;
  remoteType: string;
  /** Transport of the pair itself (udp or tcp). */
  protocol: string;
  /** When we are relayed: how we reach the relay (udp, tcp or tls). */
  relayProtocol: string | null;
}

/** What we receive from the peer (its video and audio as they arrive). */
export interface InboundFigures {
  videoFramesDecoded: number;
  videoFramesPerSecond: number | null;
  videoFrameHeight: number | null;
  freezeCount: number;
  audioPacketsReceived: number;
  audioPacketsLost: number;
  concealedSamples: number;
  totalSamplesReceived: number;
  /** Loudness of what we hear from the peer now (0–1). */
  audioLevel: number | null;
}

/** One reading of a link: cumulative counters plus the latest estimates. */
export interface LinkSample {
  /** Report time, ms (the stats' own timestamp). */
  at: number;
  /** The congestion controller's estimate for this link, bits/s. */
  availableOutgoingBitrate: number | null;
  /** Round trip as the peer reports it for our media, ms. */
  rttMs: number | null;
  /** Fraction (0–1) of our packets the peer last reported lost; the worse of audio and video. */
  loss: number | null;
  videoBytesSent: number;
  audioBytesSent: number;
  /** Why the encoder sends less than it could: `bandwidth`, `cpu`, `other` or `none`. */
  qualityLimitation: string;
  path: LinkPath | null;
  inbound: InboundFigures;
  /** Loudness of our own microphone as this link sends it (0–1). */
  localAudioLevel: number | null;
  /** Height of the camera picture we send on this link, before any scaling, px. */
  videoSourceHeight: number | null;
}

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function selectedPair(byId: Map<string, StatsEntry>): StatsEntry | null {
  for (const entry of byId.values()) {
    if (entry.type !== 'transport') continue;
    const id = str(entry['selectedCandidatePairId']);
    const pair = id === null ? undefined : byId.get(id);
    if (pair) return pair;
  }
  // Browsers without transport stats mark the pair instead.
  for (const entry of byId.values()) {
    if (entry.type === 'candidate-pair' && entry['selected'] === true) return entry;
  }
  for (const entry of byId.values()) {
    if (
      entry.type === 'candidate-pair' &&
      entry['nominated'] === true &&
      entry['state'] === 'succeeded'
    )
      return entry;
  }
  return null;
}

function pathOf(pair: StatsEntry, byId: Map<string, StatsEntry>): LinkPath | null {
  const local = byId.get(str(pair['localCandidateId']) ?? '');
  const remote = byId.get(str(pair['remoteCandidateId']) ?? '');
  if (!local || !remote) return null;
  return {
    localType: str(local['candidateType']) ?? 'unknown',
    remoteType: str(remote['candidateType']) ?? 'unknown',
    protocol: str(local['protocol']) ?? 'unknown',
    relayProtocol: str(local['relayProtocol']),
  };
}

/** A reading with nothing reported yet. */
export function emptyLinkSample(at: number): LinkSample {
  return {
    at,
    availableOutgoingBitrate: null,
    rttMs: null,
    loss: null,
    videoBytesSent: 0,
    audioBytesSent: 0,
    qualityLimitation: 'none',
    path: null,
    inbound: {
      videoFramesDecoded: 0,
      videoFramesPerSecond: null,
      videoFrameHeight: null,
      freezeCount: 0,
      audioPacketsReceived: 0,
      audioPacketsLost: 0,
      concealedSamples: 0,
      totalSamplesReceived: 0,
      audioLevel: null,
    },
    localAudioLevel: null,
    videoSourceHeight: null,
  };
}

/** Reads the entries of a report (`[...report.values()]`, or any iterable of entries). */
export function readLinkSample(report: Iterable<StatsEntry>, at: number): LinkSample {
  const byId = new Map<string, StatsEntry>();
  for (const entry of report) byId.set(entry.id, entry);

  const pair = selectedPair(byId);
  const sample = emptyLinkSample(at);
  if (pair) {
    sample.availableOutgoingBitrate = num(pair['availableOutgoingBitrate']);
    sample.path = pathOf(pair, byId);
  }
  const pairRtt = pair ? num(pair['currentRoundTripTime']) : null;

  for (const entry of byId.values()) {
    const kind = str(entry['kind']);
    if (entry.type === 'outbound-rtp') {
      const bytes = num(entry['bytesSent']) ?? 0;
      if (kind === 'video') {
        sample.videoBytesSent += bytes;
        const reason = str(entry['qualityLimitationReason']);
        if (reason && reason !== 'none') sample.qualityLimitation = reason;
      } else if (kind === 'audio') {
        sample.audioBytesSent += bytes;
      }
    } else if (entry.type === 'remote-inbound-rtp') {
      const rtt = num(entry['roundTripTime']);
      if (rtt !== null) sample.rttMs = Math.max(sample.rttMs ?? 0, rtt * 1000);
      const lost = num(entry['fractionLost']);
      if (lost !== null) sample.loss = Math.max(sample.loss ?? 0, lost);
    } else if (entry.type === 'inbound-rtp') {
      const inbound = sample.inbound;
      if (kind === 'video') {
        inbound.videoFramesDecoded += num(entry['framesDecoded']) ?? 0;
        inbound.freezeCount += num(entry['freezeCount']) ?? 0;
        const fps = num(entry['framesPerSecond']);
        if (fps !== null)
          inbound.videoFramesPerSecond = Math.max(inbound.videoFramesPerSecond ?? 0, fps);
        const height = num(entry['frameHeight']);
        if (height !== null)
          inbound.videoFrameHeight = Math.max(inbound.videoFrameHeight ?? 0, height);
      } else if (kind === 'audio') {
        inbound.audioPacketsReceived += num(entry['packetsReceived']) ?? 0;
        inbound.audioPacketsLost += Math.max(0, num(entry['packetsLost']) ?? 0);
        inbound.concealedSamples += num(entry['concealedSamples']) ?? 0;
        inbound.totalSamplesReceived += num(entry['totalSamplesReceived']) ?? 0;
        const level = num(entry['audioLevel']);
        if (level !== null) inbound.audioLevel = Math.max(inbound.audioLevel ?? 0, level);
      }
    } else if (entry.type === 'media-source' && kind === 'audio') {
      const level = num(entry['audioLevel']);
      if (level !== null) sample.localAudioLevel = Math.max(sample.localAudioLevel ?? 0, level);
    } else if (entry.type === 'media-source' && kind === 'video') {
      const height = num(entry['height']);
      if (height !== null)
        sample.videoSourceHeight = Math.max(sample.videoSourceHeight ?? 0, height);
    }
  }
  if (sample.rttMs === null && pairRtt !== null) sample.rttMs = pairRtt * 1000;
  return sample;
}

/** What we sent on a link between two samples, bits/s. */
export interface SendRate {
  videoBps: number;
  audioBps: number;
}

/** Send rates from two samples of the same link; zero when the clock did not move. */
export function sendRateBetween(previous: LinkSample, current: LinkSample): SendRate {
  const seconds = (current.at - previous.at) / 1000;
  if (seconds <= 0) return { videoBps: 0, audioBps: 0 };
  const rate = (before: number, after: number) => Math.max(0, ((after - before) * 8) / seconds);
  return {
    videoBps: rate(previous.videoBytesSent, current.videoBytesSent),
    audioBps: rate(previous.audioBytesSent, current.audioBytesSent),
  };
}

/** Audio loss and concealment a receiver had between two samples (fractions, 0–1). */
export function audioQualityBetween(
  previous: InboundFigures,
  current: InboundFigures,
): { loss: number; concealment: number } {
  const received = current.audioPacketsReceived - previous.audioPacketsReceived;
  const lost = current.audioPacketsLost - previous.audioPacketsLost;
  const samples = current.totalSamplesReceived - previous.totalSamplesReceived;
  const concealed = current.concealedSamples - previous.concealedSamples;
  return {
    loss: received + lost > 0 ? Math.max(0, lost) / (received + lost) : 0,
    concealment: samples > 0 ? Math.max(0, concealed) / samples : 0,
  };
}
