// Touch gestures on a message: a long press opens its actions (iOS fires no
// contextmenu event for it; Android does, and both land on the same menu) and
// a swipe towards the start edge replies to it, as in Telegram.
import { useRef } from "preact/hooks";

const LONG_PRESS_MS = 500;
/** Movement that turns a press into a scroll or a swipe. */
const SLOP_PX = 10;
const SWIPE_PX = 60;

interface Gesture {
  x: number;
  y: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  swiped: boolean;
}

export function useGestures(onLongPress: (el: HTMLElement) => void, onSwipe: () => void) {
  const g = useRef<Gesture | null>(null);
  const end = (e: PointerEvent) => {
    clearTimeout(g.current?.timer);
    g.current = null;
    const el = e.currentTarget as HTMLElement;
    el.style.translate = "";
  };
  return {
    onPointerDown: (e: PointerEvent) => {
      if (e.pointerType !== "touch") return;
      const el = e.currentTarget as HTMLElement;
      g.current = {
        x: e.clientX,
        y: e.clientY,
        swiped: false,
        timer: setTimeout(() => {
          if (g.current) g.current.timer = undefined;
          onLongPress(el);
        }, LONG_PRESS_MS),
      };
    },
    onPointerMove: (e: PointerEvent) => {
      const s = g.current;
      if (!s) return;
      const dx = e.clientX - s.x;
      const dy = e.clientY - s.y;
      if (Math.hypot(dx, dy) > SLOP_PX) {
        clearTimeout(s.timer);
        s.timer = undefined;
      }
      if (Math.abs(dy) > Math.abs(dx)) return;
      // The start edge is the left in left-to-right text, the right in right-to-left.
      const rtl = getComputedStyle(e.currentTarget as HTMLElement).direction === "rtl";
      const towardStart = rtl ? dx : -dx;
      (e.currentTarget as HTMLElement).style.translate =
        towardStart > 0 ? `${Math.max(-SWIPE_PX, Math.min(SWIPE_PX, dx))}px 0` : "";
      if (!s.swiped && towardStart >= SWIPE_PX) {
        s.swiped = true;
        onSwipe();
      }
    },
    onPointerUp: end,
    onPointerCancel: end,
  };
}
