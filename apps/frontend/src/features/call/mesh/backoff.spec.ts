import { backoffDelay, defaultBackoff } from './backoff';

describe('backoffDelay', () => {
  it('doubles per attempt between half and all of the ceiling', () => {
    expect(backoffDelay(0, () => 0, defaultBackoff)).toBe(250);
    expect(backoffDelay(0, () => 1, defaultBackoff)).toBe(500);
    expect(backoffDelay(3, () => 0, defaultBackoff)).toBe(2000);
    expect(backoffDelay(3, () => 1, defaultBackoff)).toBe(4000);
  });

  it('never exceeds the maximum however many attempts failed', () => {
    expect(backoffDelay(50, () => 1, defaultBackoff)).toBe(defaultBackoff.maxMs);
  });
});
