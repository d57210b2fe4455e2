// Which messages are on screen, for read markers: an IntersectionObserver on
// every rendered bubble (virtua mounts only the rows near the viewport), and
// the newest of them reported only while the page is visible. A message the
// reader never had on screen is never reported.
import type { RefObject } from "preact";
import { useCallback, useEffect, useRef } from "preact/hooks";

/** Half a bubble in view counts; a bubble taller than the list counts once it fills half of it. */
function counts(e: IntersectionObserverEntry): boolean {
  if (!e.isIntersecting) return false;
  const rootHeight = e.rootBounds?.height ?? Number.POSITIVE_INFINITY;
  return e.intersectionRatio >= 0.5 || e.intersectionRect.height >= rootHeight / 2;
}

export function useVisibleRows(scroller: RefObject<HTMLElement | null>, onVisible: (seq: number) => void) {
  const onScreen = useRef(new Map<Element, number>());
  const observer = useRef<IntersectionObserver | null>(null);
  const report = useRef<() => void>(() => undefined);
  report.current = () => {
    if (document.visibilityState !== "visible" || onScreen.current.size === 0) return;
    onVisible(Math.max(...onScreen.current.values()));
  };

  const getObserver = () => {
    observer.current ??= new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const seq = Number((e.target as HTMLElement).dataset.message);
          if (counts(e) && Number.isInteger(seq) && seq > 0) onScreen.current.set(e.target, seq);
          else onScreen.current.delete(e.target);
        }
        report.current();
      },
      { root: scroller.current, threshold: [0, 0.25, 0.5, 0.75, 1] },
    );
    return observer.current;
  };

  useEffect(() => {
    const shown = () => report.current();
    document.addEventListener("visibilitychange", shown);
    return () => {
      document.removeEventListener("visibilitychange", shown);
      observer.current?.disconnect();
      observer.current = null;
    };
  }, []);

  return useCallback((el: HTMLElement) => {
    const io = getObserver();
    io.observe(el);
    return () => {
      io.unobserve(el);
      onScreen.current.delete(el);
    };
  }, []);
}
