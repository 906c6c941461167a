import type { PeerView } from '@qual-meet/protocol';
import { useEffect, useState, type RefObject } from 'react';
import { useElementSize } from '../layout/use-element-size';

function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState !== 'hidden');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}

/** Whether the element is on screen; true where that cannot be told (no IntersectionObserver). */
function useOnScreen(ref: RefObject<HTMLElement | null>): boolean {
  const [onScreen, setOnScreen] = useState(true);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(([entry]) => {
      if (entry) setOnScreen(entry.isIntersecting);
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return onScreen;
}

/**
 * Reports what this element shows of someone's video — its size in device pixels, or hidden
 * when the tab is in the background or the element scrolled away — so their upload budget sends
 * no more than is seen (docs/CALL-QUALITY.md). Null once the element goes.
 */
export function useViewReport(
  ref: RefObject<HTMLElement | null>,
  report: (view: PeerView | null) => void,
): void {
  const size = useElementSize(ref);
  const visible = usePageVisible();
  const onScreen = useOnScreen(ref);
  const ratio = typeof window.devicePixelRatio === 'number' ? window.devicePixelRatio : 1;
  const width = size ? Math.round(size.width * ratio) : null;
  const height = size ? Math.round(size.height * ratio) : null;
  const hidden = !visible || !onScreen;
  useEffect(() => {
    if (width === null || height === null) return;
    report({ width, height, hidden });
  }, [report, width, height, hidden]);
  useEffect(() => () => report(null), [report]);
}
