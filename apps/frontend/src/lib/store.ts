/**
 * A value that changes over time, readable with React's `useSyncExternalStore`: `getSnapshot`
 * returns the same object until `set` replaces it, so renders only happen on real changes.
 */
export class Store<T> {
  private listeners = new Set<() => void>();

  constructor(private value: T) {}

  readonly getSnapshot = (): T => this.value;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  set(next: T): void {
    if (Object.is(next, this.value)) return;
    this.value = next;
    for (const listener of [...this.listeners]) listener();
  }

  update(change: (current: T) => T): void {
    this.set(change(this.value));
  }
}
