import { useSyncExternalStore } from 'react';

/** Anything with the `useSyncExternalStore` pair, like `Store` and the call engine. */
export interface Observable<T> {
  subscribe(listener: () => void): () => void;
  getSnapshot(): T;
}

/** Subscribes a component to an observable object living outside React. */
export function useSnapshot<T>(source: Observable<T>): T {
  return useSyncExternalStore(source.subscribe, source.getSnapshot);
}
