import { useCallback, useSyncExternalStore } from 'react';

function subscribe(listener: () => void): () => void {
  document.addEventListener('fullscreenchange', listener);
  return () => document.removeEventListener('fullscreenchange', listener);
}

const current = () => document.fullscreenElement;

/**
 * Whether the page may show an element full screen (not on every phone), which element is, and
 * a toggle for one element.
 */
export function useFullscreen() {
  const element = useSyncExternalStore(subscribe, current);
  const toggle = useCallback((target: HTMLElement) => {
    if (document.fullscreenElement === target) void document.exitFullscreen();
    else void target.requestFullscreen();
  }, []);
  return { supported: document.fullscreenEnabled === true, element, toggle };
}
