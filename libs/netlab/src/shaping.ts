/** An uplink cap: what a weak home or mobile connection lets out. */
export interface UplinkShape {
  /** Sustained rate, kbit/s. */
  rateKbit: number;
  /** Bucket size, kbit: how much may leave at line rate before the cap bites. */
  burstKbit?: number;
  /** Longest a packet may wait in the queue before it is dropped, ms (a router's buffer). */
  latencyMs?: number;
}

/**
 * `tc` arguments putting a token-bucket filter on `device`'s egress: packets beyond the rate queue
 * up to `latencyMs`, then drop, as on a router with a shallow buffer. (`netem` is missing here, so
 * no delay or jitter is added on top.)
 */
export function tbfArgs(device: string, shape: UplinkShape): string[] {
  const { rateKbit, burstKbit = 32, latencyMs = 400 } = shape;
  if (!(rateKbit > 0)) throw new Error(`an uplink cap needs a positive rate, not ${rateKbit}`);
  return [
    'qdisc',
    'replace',
    'dev',
    device,
    'root',
    'tbf',
    'rate',
    `${rateKbit}kbit`,
    'burst',
    `${burstKbit}kbit`,
    'latency',
    `${latencyMs}ms`,
  ];
}
