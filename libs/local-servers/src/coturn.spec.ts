import { coturnConfig, type CoturnSettings } from './coturn';

const settings: CoturnSettings = {
  listeningIps: ['127.0.0.1'],
  port: 3478,
  minRelayPort: 49160,
  maxRelayPort: 49200,
  realm: 'example.test',
  secret: 's3cret',
  allowLoopbackPeers: false,
  dir: '/tmp/turn',
};
const lines = (s: CoturnSettings) => coturnConfig(s).trim().split('\n');

describe('coturnConfig', () => {
  it('uses REST-API credentials and never the CLI or multicast peers', () => {
    expect(lines(settings)).toEqual(
      expect.arrayContaining([
        'use-auth-secret',
        'static-auth-secret=s3cret',
        'realm=example.test',
        'no-cli',
        'no-multicast-peers',
      ]),
    );
  });

  it('allows loopback peers only when asked (tests and the local stack)', () => {
    expect(lines(settings)).not.toContain('allow-loopback-peers');
    expect(lines({ ...settings, allowLoopbackPeers: true })).toContain('allow-loopback-peers');
  });

  it('appends extra lines last', () => {
    expect(lines({ ...settings, extraLines: ['user-quota=10'] }).at(-1)).toBe('user-quota=10');
  });

  it('listens on every given address and lists denied and allowed peers', () => {
    const config = lines({
      ...settings,
      listeningIps: ['127.0.0.1', '198.18.0.1'],
      deniedPeers: ['10.0.0.0-10.255.255.255'],
      allowedPeers: ['198.18.0.0-198.19.255.255'],
    });
    expect(config).toEqual(
      expect.arrayContaining([
        'listening-ip=127.0.0.1',
        'listening-ip=198.18.0.1',
        'denied-peer-ip=10.0.0.0-10.255.255.255',
        'allowed-peer-ip=198.18.0.0-198.19.255.255',
      ]),
    );
  });

  it('turns TLS on with the given certificate, or off explicitly', () => {
    expect(lines(settings)).toContain('no-tls');
    expect(
      lines({ ...settings, tls: { port: 5349, certificate: '/c.pem', certificateKey: '/k.pem' } }),
    ).toEqual(
      expect.arrayContaining(['tls-listening-port=5349', 'cert=/c.pem', 'pkey=/k.pem', 'no-tlsv1']),
    );
  });
});
