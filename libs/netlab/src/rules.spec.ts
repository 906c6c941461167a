import { firewallRules, noRelayAndNot, onlyTcpTo, OPEN, UDP_BLOCKED } from './firewall';
import { natRules } from './nat';

describe('natRules', () => {
  it('keeps the source port for endpoint-independent NAT and drops unsolicited UDP at the router', () => {
    const rules = natRules('endpoint-independent');
    expect(rules).toContain('oifname "wan" masquerade\n');
    expect(rules).toContain('iifname "wan" meta l4proto udp ct state new drop');
  });

  it('picks a random port per destination for symmetric NAT', () => {
    expect(natRules('symmetric')).toContain('oifname "wan" masquerade fully-random');
  });

  it('translates nothing for a routable client', () => {
    expect(natRules('none')).toBe('');
  });
});

describe('firewallRules', () => {
  it('lets everything through when open, and drops all UDP when UDP is blocked', () => {
    expect(firewallRules(OPEN)).toContain('policy accept;\n\n  }');
    expect(firewallRules(UDP_BLOCKED)).toContain('meta l4proto udp drop');
  });

  it('lets out only TCP to the server on the given ports, and the answers back', () => {
    const rules = firewallRules(onlyTcpTo('198.18.0.1', [443]));
    expect(rules).toMatch(
      /iifname "wan" ct state established,related accept\n\s+iifname "lan" ip daddr 198\.18\.0\.1 tcp dport \{ 443 \} accept\n\s+drop\n/,
    );
  });

  it('keeps the app reachable but the relay and the given peers not', () => {
    const rules = firewallRules(noRelayAndNot('198.18.0.1', [8080], ['198.18.2.2']));
    expect(rules.indexOf('ip daddr 198.18.0.1 tcp dport { 8080 } accept')).toBeLessThan(
      rules.indexOf('ip daddr 198.18.0.1 drop'),
    );
    expect(rules).toContain('ip daddr 198.18.2.2 drop');
    expect(rules).toContain('ip saddr 198.18.2.2 drop');
  });
});
