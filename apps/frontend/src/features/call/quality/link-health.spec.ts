import { describeLink, limitNotice, linkHealthOf } from './link-health';
import { emptyLinkSample, type LinkSample } from './link-stats';

const base: LinkSample = {
  ...emptyLinkSample(0),
  availableOutgoingBitrate: 1_000_000,
  rttMs: 180.4,
  loss: 0.021,
  path: { localType: 'relay', remoteType: 'srflx', protocol: 'udp', relayProtocol: 'tcp' },
};

describe('link health', () => {
  it('says how a relayed link travels, in the Connection panel’s words', () => {
    const health = linkHealthOf(base, null);
    expect(health).toEqual({
      route: 'relayed',
      over: 'TCP',
      rttMs: 180,
      lossPercent: 2,
      poor: false,
    });
    expect(describeLink('Bob', health)).toBe('Bob ↔ you: relayed over TCP, 180 ms, 2 % loss');
  });

  it('calls a srflx or host pair direct over its own transport', () => {
    const direct = linkHealthOf(
      {
        ...base,
        path: { localType: 'srflx', remoteType: 'host', protocol: 'udp', relayProtocol: null },
      },
      null,
    );
    expect(describeLink('Ann', direct)).toBe('Ann ↔ you: direct over UDP, 180 ms, 2 % loss');
  });

  it('is poor with heavy loss, a long round trip, or a limit', () => {
    expect(linkHealthOf({ ...base, loss: 0.08 }, null).poor).toBe(true);
    expect(linkHealthOf({ ...base, rttMs: 650 }, null).poor).toBe(true);
    expect(linkHealthOf(base, 'peer').poor).toBe(true);
  });

  it('says connecting before any pair is chosen', () => {
    expect(describeLink('Cy', linkHealthOf(null, null))).toBe('Cy ↔ you: connecting');
  });

  it('names whose connection limits, for the sender and the receiver', () => {
    expect(limitNotice('self', true, { self: true })).toBe(
      'Video paused to keep audio — your connection is weak',
    );
    expect(limitNotice('peer', true, { self: false, name: 'Bob' })).toBe(
      "Video paused to keep audio — Bob's connection is weak",
    );
    expect(limitNotice(null, false, { self: true })).toBeNull();
  });
});
