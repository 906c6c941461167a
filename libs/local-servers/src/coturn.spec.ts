import { coturnConfig, type CoturnSettings } from './coturn';

const settings: CoturnSettings = {
  listeningIp: '127.0.0.1',
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
    expect(
      lines({ ...settings, extraLines: ['denied-peer-ip=10.0.0.0-10.255.255.255'] }).at(-1),
    ).toBe('denied-peer-ip=10.0.0.0-10.255.255.255');
  });
});
