import { chooseRuntime } from './runtime';

describe('chooseRuntime', () => {
  const probe = (available: boolean) => jest.fn(async () => available);

  it('uses Testcontainers when a Docker engine answers, local processes otherwise', async () => {
    await expect(chooseRuntime({ env: {}, dockerAvailable: probe(true) })).resolves.toBe(
      'containers',
    );
    await expect(chooseRuntime({ env: {}, dockerAvailable: probe(false) })).resolves.toBe('local');
  });

  it('honours QM_TEST_RUNTIME without probing Docker', async () => {
    const dockerAvailable = probe(true);
    await expect(
      chooseRuntime({ env: { QM_TEST_RUNTIME: 'local' }, dockerAvailable }),
    ).resolves.toBe('local');
    await expect(
      chooseRuntime({ env: { QM_TEST_RUNTIME: 'containers' }, dockerAvailable: probe(false) }),
    ).resolves.toBe('containers');
    expect(dockerAvailable).not.toHaveBeenCalled();
  });

  it('refuses an unknown forced runtime', async () => {
    await expect(
      chooseRuntime({ env: { QM_TEST_RUNTIME: 'vm' }, dockerAvailable: probe(true) }),
    ).rejects.toThrow('QM_TEST_RUNTIME must be "local" or "containers"');
  });
});
