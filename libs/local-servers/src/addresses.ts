/** An IPv4 range, as a CIDR for `ip` and as a first–last range for coturn. */
export interface Ipv4Range {
  cidr: string;
  coturn: string;
}

/**
 * 198.18.0.0/15, reserved for benchmarking (RFC 2544): the only addresses the network lab and a
 * lab-hosted platform ever use, so nothing there can reach a real network.
 */
export const LAB_RANGE: Ipv4Range = { cidr: '198.18.0.0/15', coturn: '198.18.0.0-198.19.255.255' };

/** The 32-bit value of a dotted IPv4 address, or null when `text` is not one. */
export function ipv4ToNumber(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/** Whether `address` (dotted IPv4) lies in `range`. */
export function ipv4InRange(address: string, range: Ipv4Range): boolean {
  const [base, bits] = range.cidr.split('/');
  const value = ipv4ToNumber(address);
  const start = ipv4ToNumber(base ?? '');
  if (value === null || start === null) return false;
  const size = 2 ** (32 - Number(bits));
  return value >= start && value < start + size;
}
