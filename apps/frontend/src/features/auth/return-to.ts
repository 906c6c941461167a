import type { Location } from 'react-router';

/** Router state carried to /login and /signup so the person lands back where they were. */
export interface ReturnToState {
  from: Pick<Location, 'pathname' | 'search' | 'hash'>;
}

export function returnToState(location: Pick<Location, 'pathname' | 'search' | 'hash'>) {
  const { pathname, search, hash } = location;
  return { from: { pathname, search, hash } } satisfies ReturnToState;
}

/**
 * Where to go after logging in: the page that sent the person here, if it is a page of this
 * app (never another origin), else home.
 */
export function returnPath(state: unknown): string {
  const from: unknown =
    typeof state === 'object' && state !== null ? Reflect.get(state, 'from') : undefined;
  if (typeof from !== 'object' || from === null) return '/';
  const part = (key: string) => {
    const value: unknown = Reflect.get(from, key);
    return typeof value === 'string' ? value : '';
  };
  const pathname = part('pathname');
  const isOwnPage = pathname.startsWith('/') && !pathname.startsWith('//');
  if (!isOwnPage || pathname === '/login' || pathname === '/signup') return '/';
  return `${pathname}${part('search')}${part('hash')}`;
}
