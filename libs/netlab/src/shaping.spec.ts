import { tbfArgs } from './shaping';

describe('tbfArgs', () => {
  it('caps the device egress with a token bucket, replacing any earlier cap', () => {
    expect(tbfArgs('eth0', { rateKbit: 800 }).join(' ')).toBe(
      'qdisc replace dev eth0 root tbf rate 800kbit burst 32kbit latency 400ms',
    );
  });

  it('takes the bucket and queue from the shape', () => {
    expect(tbfArgs('eth0', { rateKbit: 300, burstKbit: 16, latencyMs: 100 }).slice(-6)).toEqual([
      'rate',
      '300kbit',
      'burst',
      '16kbit',
      'latency',
      '100ms',
    ]);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => tbfArgs('eth0', { rateKbit: 0 })).toThrow('positive rate');
  });
});
