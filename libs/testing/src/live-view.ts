/**
 * A view of what a suite's `beforeAll` starts, made before it ran (at the suite's top level): each
 * of `keys` reads `running()` when read, so a test sees the running value and a read before the
 * set-up fails with `running()`'s error.
 */
export function liveView<T extends object, K extends keyof T>(
  running: () => T,
  keys: readonly K[],
): Pick<T, K> {
  const view = {} as Pick<T, K>;
  for (const key of keys) {
    Object.defineProperty(view, key, { enumerable: true, get: () => running()[key] });
  }
  return view;
}
