/**
 * How a home or carrier router maps its clients' flows to its outside address.
 * - `endpoint-independent`: one outside port per inside socket, whoever it talks to (full-cone
 *   mapping with port-restricted filtering, what most home routers do): hole punching works.
 * - `symmetric`: a new random outside port per destination (carrier-grade NAT, some corporate
 *   firewalls): the port a STUN server saw is useless to a peer, only a relay connects.
 * - `none`: the client's address is routable (a server, a phone on public IPv4).
 */
export type NatKind = 'endpoint-independent' | 'symmetric' | 'none';

/** The router's nftables NAT, masquerading what leaves through `wan`. */
export function natRules(kind: NatKind): string {
  if (kind === 'none') return '';
  return `
table ip nat {
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" masquerade${kind === 'symmetric' ? ' fully-random' : ''}
  }
}
table ip router {
  chain input {
    type filter hook input priority filter; policy accept;
    # Linux NAT otherwise lets a peer's early, unsolicited packet leave a conntrack entry that
    # clashes with the client's own later packet, and masquerade then picks another port:
    # hole punching would fail where a real home router lets it work.
    iifname "wan" meta l4proto udp ct state new drop
  }
}
`;
}
