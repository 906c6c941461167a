import { parseIceUrl, verdictOf, VERDICT_TEXT, type ServerProbe } from './verdict';

const probe = (url: string, outcome: ServerProbe['outcome']): ServerProbe => ({
  ...parseIceUrl(url)!,
  outcome,
});
const STUN = 'stun:198.18.0.1:3478';
const TURN_UDP = 'turn:198.18.0.1:3478?transport=udp';
const TURN_TCP = 'turn:198.18.0.1:3478?transport=tcp';
const TURNS = 'turns:198.18.0.1:5349?transport=tcp';
const TURNS_443 = 'turns:198.18.0.1:443?transport=tcp';
const all = (outcomes: Record<string, ServerProbe['outcome']>) =>
  [STUN, TURN_UDP, TURN_TCP, TURNS, TURNS_443].map((url) =>
    probe(url, outcomes[url] ?? 'unreachable'),
  );

describe('verdictOf', () => {
  it('says direct connections work when anything over UDP came back', () => {
    expect(verdictOf(all({ [STUN]: 'reached' }))).toBe('direct');
    expect(verdictOf(all({ [TURN_UDP]: 'reached', [TURN_TCP]: 'reached' }))).toBe('direct');
  });

  it('says UDP is blocked when only TCP relays answer', () => {
    expect(
      verdictOf(all({ [TURN_TCP]: 'reached', [TURNS]: 'reached', [TURNS_443]: 'reached' })),
    ).toBe('udp-blocked');
  });

  it('says only port 443 gets through when the TLS relay on 443 is all that answers', () => {
    expect(verdictOf(all({ [TURNS_443]: 'reached' }))).toBe('tls-only');
  });

  it('blames the credentials when a relay answered only to refuse them', () => {
    expect(verdictOf(all({ [TURN_TCP]: 'refused', [TURNS_443]: 'refused' }))).toBe(
      'credentials-refused',
    );
    // A relay that works elsewhere wins over one that refused.
    expect(verdictOf(all({ [TURN_TCP]: 'refused', [TURNS_443]: 'reached' }))).toBe('tls-only');
  });

  it('says no relay is reachable when nothing answered, or there was nothing to ask', () => {
    expect(verdictOf(all({}))).toBe('no-relay');
    expect(verdictOf([])).toBe('no-relay');
  });

  it('has a sentence for every verdict', () => {
    expect(VERDICT_TEXT['tls-only']).toBe(
      'Only secure web traffic (port 443) gets through — calls will be relayed over TLS',
    );
  });
});

describe('parseIceUrl', () => {
  it('reads scheme, transport and port, with the defaults of RFC 7064 and 7065', () => {
    expect(parseIceUrl('stun:meet.example.com')).toEqual({
      url: 'stun:meet.example.com',
      scheme: 'stun',
      transport: 'udp',
      port: 3478,
    });
    expect(parseIceUrl(TURN_TCP)).toMatchObject({ scheme: 'turn', transport: 'tcp', port: 3478 });
    expect(parseIceUrl('turns:meet.example.com')).toMatchObject({ transport: 'tcp', port: 5349 });
    expect(parseIceUrl(TURNS_443)).toMatchObject({ scheme: 'turns', port: 443 });
  });

  it('ignores what it cannot probe', () => {
    expect(parseIceUrl('https://example.com')).toBeNull();
    expect(parseIceUrl('stuns:example.com')).toBeNull();
  });
});
