/**
 * What a client's network lets through, as nftables rules in its router's forward chain. Only
 * traffic from the client side is restricted; answers to what was let out come back.
 */
export interface Firewall {
  /** For logs and test names: "UDP blocked", "only TCP 443 to the server". */
  name: string;
  /** Rules in the forward chain, in order; the policy is accept. */
  rules: string[];
}

export const OPEN: Firewall = { name: 'open', rules: [] };

/** A network that drops all UDP (many corporate and public Wi-Fi networks). */
export const UDP_BLOCKED: Firewall = {
  name: 'UDP blocked',
  rules: ['meta l4proto udp drop'],
};

/**
 * A network that lets out only TCP to `server` on `ports` (a strict corporate proxy allows 443 to
 * known sites): everything else, UDP and every other address included, is dropped.
 */
export function onlyTcpTo(server: string, ports: number[]): Firewall {
  return {
    name: `only TCP ${ports.join(', ')} to ${server}`,
    rules: [
      'iifname "wan" ct state established,related accept',
      `iifname "lan" ip daddr ${server} tcp dport { ${ports.join(', ')} } accept`,
      'drop',
    ],
  };
}

/**
 * A network that reaches `server` only on TCP `ports` (no STUN, no TURN) and never the given
 * addresses, but anything else: with another such network on the far side, two people meet in
 * the app yet have no media path at all.
 */
export function noRelayAndNot(server: string, ports: number[], addresses: string[]): Firewall {
  return {
    name: `no relay, not ${addresses.join(', ')}`,
    rules: [
      `ip daddr ${server} tcp dport { ${ports.join(', ')} } accept`,
      `ip saddr ${server} tcp sport { ${ports.join(', ')} } accept`,
      `ip daddr ${server} drop`,
      `ip saddr ${server} drop`,
      ...addresses.flatMap((address) => [`ip daddr ${address} drop`, `ip saddr ${address} drop`]),
    ],
  };
}

/** The router's filter table for a firewall; replacing it swaps the profile in one step. */
export function firewallRules(firewall: Firewall): string {
  return `
table inet firewall {
  chain forward_filter {
    type filter hook forward priority filter; policy accept;
${firewall.rules.map((rule) => `    ${rule}`).join('\n')}
  }
}
`;
}
