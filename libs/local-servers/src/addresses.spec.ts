import { ipv4InRange, ipv4ToNumber, LAB_RANGE } from './addresses';

describe('ipv4InRange', () => {
  it('knows the lab range 198.18.0.0/15 and nothing past its edges', () => {
    expect(ipv4InRange('198.18.0.1', LAB_RANGE)).toBe(true);
    expect(ipv4InRange('198.19.255.255', LAB_RANGE)).toBe(true);
    expect(ipv4InRange('198.17.255.255', LAB_RANGE)).toBe(false);
    expect(ipv4InRange('198.20.0.0', LAB_RANGE)).toBe(false);
  });

  it('is false for what is not an IPv4 address', () => {
    expect(ipv4InRange('meet.example.com', LAB_RANGE)).toBe(false);
    expect(ipv4ToNumber('198.18.0.256')).toBeNull();
    expect(ipv4ToNumber('198.18.0')).toBeNull();
  });
});
