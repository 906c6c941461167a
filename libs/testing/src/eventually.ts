/**
 * Polls `probe` until `accept` takes its value, for state that announces nothing (a key in
 * Redis, a client blocked inside Redis), and resolves with that value. A probe that fails (the
 * server it asks is still coming back) counts as not yet. Bounded: fails after `timeoutMs`,
 * naming what it waited for and the last value or error seen.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    try {
      const value = await probe();
      if (accept(value)) return value;
      last = JSON.stringify(value);
    } catch (error) {
      last = `error: ${(error as Error).message}`;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what} (last: ${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
