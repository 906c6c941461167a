/**
 * Polls `probe` until `accept` takes its value, for state that announces nothing (a key in
 * Redis, a client blocked inside Redis), and resolves with that value. Bounded: fails after
 * `timeoutMs`, naming what it waited for and the last value seen.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting until ${what} (last: ${JSON.stringify(value)})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
