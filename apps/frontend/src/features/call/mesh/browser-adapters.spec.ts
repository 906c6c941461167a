import { iceTransportPolicyFrom, signalingUrlFor } from './browser-adapters';

describe('signalingUrlFor', () => {
  it('uses the page host, secure under HTTPS', () => {
    expect(signalingUrlFor({ protocol: 'https:', host: 'meet.test' })).toBe('wss://meet.test/ws');
    expect(signalingUrlFor({ protocol: 'http:', host: 'localhost:8080' })).toBe(
      'ws://localhost:8080/ws',
    );
  });
});

describe('iceTransportPolicyFrom', () => {
  const storage = (value: string | null) => ({ getItem: () => value });

  it('forces relay only for the exact value "relay"', () => {
    expect(iceTransportPolicyFrom(storage('relay'))).toBe('relay');
    expect(iceTransportPolicyFrom(storage('all'))).toBeUndefined();
    expect(iceTransportPolicyFrom(storage(null))).toBeUndefined();
    expect(iceTransportPolicyFrom(null)).toBeUndefined();
  });

  it('treats unreadable storage as off', () => {
    const blocked = {
      getItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(iceTransportPolicyFrom(blocked)).toBeUndefined();
  });
});
