import {
  audioQualityBetween,
  readLinkSample,
  sendRateBetween,
  type StatsEntry,
} from './link-stats';

/** Shaped like Chromium's report for a relayed call (ids shortened). */
const relayedReport: StatsEntry[] = [
  { type: 'transport', id: 'T01', selectedCandidatePairId: 'CP1' },
  {
    type: 'candidate-pair',
    id: 'CP1',
    localCandidateId: 'IL1',
    remoteCandidateId: 'IR1',
    state: 'succeeded',
    nominated: true,
    availableOutgoingBitrate: 812_345,
    currentRoundTripTime: 0.09,
  },
  {
    type: 'candidate-pair',
    id: 'CP2',
    localCandidateId: 'IL2',
    remoteCandidateId: 'IR1',
    state: 'failed',
  },
  {
    type: 'local-candidate',
    id: 'IL1',
    candidateType: 'relay',
    protocol: 'udp',
    relayProtocol: 'tcp',
  },
  { type: 'local-candidate', id: 'IL2', candidateType: 'host', protocol: 'udp' },
  { type: 'remote-candidate', id: 'IR1', candidateType: 'srflx', protocol: 'udp' },
  {
    type: 'outbound-rtp',
    id: 'OV',
    kind: 'video',
    bytesSent: 500_000,
    qualityLimitationReason: 'bandwidth',
  },
  { type: 'outbound-rtp', id: 'OA', kind: 'audio', bytesSent: 40_000 },
  { type: 'remote-inbound-rtp', id: 'RV', kind: 'video', roundTripTime: 0.18, fractionLost: 0.02 },
  { type: 'remote-inbound-rtp', id: 'RA', kind: 'audio', roundTripTime: 0.12, fractionLost: 0.04 },
  {
    type: 'inbound-rtp',
    id: 'IV',
    kind: 'video',
    framesDecoded: 300,
    framesPerSecond: 24,
    frameHeight: 360,
    freezeCount: 1,
  },
  {
    type: 'inbound-rtp',
    id: 'IA',
    kind: 'audio',
    packetsReceived: 980,
    packetsLost: 20,
    concealedSamples: 4_800,
    totalSamplesReceived: 480_000,
    audioLevel: 0.25,
  },
  { type: 'media-source', id: 'SA', kind: 'audio', audioLevel: 0.5 },
  { type: 'media-source', id: 'SV', kind: 'video', width: 640, height: 480 },
];

describe('readLinkSample', () => {
  it('reads the selected pair, the peer’s view of our media and what we receive', () => {
    const sample = readLinkSample(relayedReport, 2_000);
    expect(sample).toEqual({
      at: 2_000,
      availableOutgoingBitrate: 812_345,
      rttMs: 180,
      loss: 0.04,
      videoBytesSent: 500_000,
      audioBytesSent: 40_000,
      qualityLimitation: 'bandwidth',
      path: { localType: 'relay', remoteType: 'srflx', protocol: 'udp', relayProtocol: 'tcp' },
      inbound: {
        videoFramesDecoded: 300,
        videoFramesPerSecond: 24,
        videoFrameHeight: 360,
        freezeCount: 1,
        audioPacketsReceived: 980,
        audioPacketsLost: 20,
        concealedSamples: 4_800,
        totalSamplesReceived: 480_000,
        audioLevel: 0.25,
      },
      localAudioLevel: 0.5,
      videoSourceHeight: 480,
    });
  });

  it('says null for what the browser did not report, and finds a pair marked selected', () => {
    const sample = readLinkSample(
      [
        {
          type: 'candidate-pair',
          id: 'P',
          selected: true,
          localCandidateId: 'L',
          remoteCandidateId: 'R',
          currentRoundTripTime: 0.01,
        },
        { type: 'local-candidate', id: 'L', candidateType: 'host', protocol: 'udp' },
        { type: 'remote-candidate', id: 'R', candidateType: 'host', protocol: 'udp' },
      ],
      0,
    );
    expect(sample.availableOutgoingBitrate).toBeNull();
    expect(sample.loss).toBeNull();
    expect(sample.rttMs).toBe(10);
    expect(sample.path).toEqual({
      localType: 'host',
      remoteType: 'host',
      protocol: 'udp',
      relayProtocol: null,
    });
  });

  it('has no path before a pair is selected, and ignores values of the wrong type', () => {
    const sample = readLinkSample(
      [{ type: 'outbound-rtp', id: 'O', kind: 'video', bytesSent: 'lots' }],
      0,
    );
    expect(sample.path).toBeNull();
    expect(sample.videoBytesSent).toBe(0);
  });
});

describe('rates between samples', () => {
  it('turns byte counters into bits per second', () => {
    const before = readLinkSample(relayedReport, 1_000);
    const after = { ...before, at: 3_000, videoBytesSent: 750_000, audioBytesSent: 50_000 };
    expect(sendRateBetween(before, after)).toEqual({ videoBps: 1_000_000, audioBps: 40_000 });
    expect(sendRateBetween(after, after)).toEqual({ videoBps: 0, audioBps: 0 });
  });

  it('gives audio loss and concealment over the interval', () => {
    const before = readLinkSample(relayedReport, 0).inbound;
    const after = {
      ...before,
      audioPacketsReceived: 1_930,
      audioPacketsLost: 70,
      concealedSamples: 9_600,
      totalSamplesReceived: 960_000,
    };
    const quality = audioQualityBetween(before, after);
    expect(quality.loss).toBeCloseTo(0.05);
    expect(quality.concealment).toBeCloseTo(0.01);
    expect(audioQualityBetween(before, before)).toEqual({ loss: 0, concealment: 0 });
  });
});
