import { iceTransportPolicyFrom, signalingUrlFor, uploadBudgetFrom } from './browser-adapters';

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

describe('uploadBudgetFrom', () => {
  it('turns the budget off only for ?uploadBudget=off', () => {
    expect(uploadBudgetFrom('?uploadBudget=off')).toBe(false);
    expect(uploadBudgetFrom('?x=1&uploadBudget=off')).toBe(false);
    expect(uploadBudgetFrom('')).toBe(true);
    expect(uploadBudgetFrom('?uploadBudget=no')).toBe(true);
    expect(uploadBudgetFrom('?uploadBudget=OFF')).toBe(true);
  });
});
