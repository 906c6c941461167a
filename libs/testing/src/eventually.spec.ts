import { eventually } from './eventually';

describe('eventually', () => {
  it('resolves with the first value accepted, polling until then', async () => {
    let calls = 0;
    const value = await eventually(
      'the third call',
      async () => (calls += 1),
      (n) => n === 3,
    );
    expect(value).toBe(3);
    expect(calls).toBe(3);
  });

  it('fails after the timeout, naming what it waited for and the last value', async () => {
    await expect(
      eventually(
        'the sky falls',
        async () => ({ sky: 'up' }),
        () => false,
        30,
      ),
    ).rejects.toThrow('timed out after 30 ms waiting until the sky falls (last: {"sky":"up"})');
  });

  it('keeps polling through a failing probe, and names the last error when it gives up', async () => {
    let calls = 0;
    const value = await eventually(
      'the server is back',
      async () => {
        calls += 1;
        if (calls < 3) throw new Error('connection refused');
        return 'up';
      },
      (state) => state === 'up',
    );
    expect(value).toBe('up');
    await expect(
      eventually(
        'never',
        async () => {
          throw new Error('connection refused');
        },
        () => true,
        30,
      ),
    ).rejects.toThrow('(last: error: connection refused)');
  });
});
