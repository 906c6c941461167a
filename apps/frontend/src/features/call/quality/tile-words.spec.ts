import type { PeerQuality } from './call-quality';
import { tileWords } from './tile-words';

const healthy: PeerQuality['health'] = {
  route: 'direct',
  over: 'UDP',
  rttMs: 40,
  lossPercent: 0,
  poor: false,
};

describe('tileWords', () => {
  it('says nothing before the first reading', () => {
    expect(tileWords('bob', undefined)).toEqual({ summary: null, poor: null, notices: [] });
  });

  it('describes a healthy link without a badge', () => {
    expect(tileWords('bob', { health: healthy, sending: null, receiving: null })).toEqual({
      summary: 'Direct over UDP, 40 ms, 0 % loss',
      poor: null,
      notices: [],
    });
  });

  it('names whose connection limits the video we send them', () => {
    const ours = tileWords('bob', {
      health: { ...healthy, poor: true },
      sending: { paused: true, by: 'sender' },
      receiving: null,
    });
    expect(ours.poor).toBe('Poor connection — your connection');
    expect(ours.notices).toEqual([
      'Your video to bob: video paused to keep audio — your connection is weak',
    ]);
    const theirs = tileWords('bob', {
      health: { ...healthy, poor: true },
      sending: { paused: false, by: 'receiver' },
      receiving: null,
    });
    expect(theirs.poor).toBe("Poor connection — bob's connection");
    expect(theirs.notices).toEqual([
      "Your video to bob: poor connection — bob's connection is limiting video",
    ]);
  });

  it('puts what we receive first', () => {
    const words = tileWords('bob', {
      health: { ...healthy, poor: true },
      sending: { paused: true, by: 'receiver' },
      receiving: { paused: true, by: 'sender' },
    });
    expect(words.notices).toEqual([
      "Video paused to keep audio — bob's connection is weak",
      "Your video to bob: video paused to keep audio — bob's connection is weak",
    ]);
  });
});
