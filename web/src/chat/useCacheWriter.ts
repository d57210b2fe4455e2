// Keeps the newest messages of the live timeline for the next start, with
// whether older ones exist (debounced: a burst of events writes once).
import { useEffect, useRef } from "preact/hooks";
import { saveMessages } from "../store/db";
import type { Timeline } from "./timeline";

export function useCacheWriter(conversationId: string, timeline: Timeline): void {
  const unsaved = useRef<Timeline | null>(null);
  useEffect(() => {
    if (timeline.items.length === 0) return;
    unsaved.current = timeline;
    const timer = setTimeout(() => {
      unsaved.current = null;
      void saveMessages(conversationId, timeline.items, timeline.hasMore);
    }, 400);
    return () => clearTimeout(timer);
  }, [conversationId, timeline]);
  useEffect(
    () => () => {
      // Leaving the chat: write what the debounce was still holding.
      if (unsaved.current) void saveMessages(conversationId, unsaved.current.items, unsaved.current.hasMore);
      unsaved.current = null;
    },
    [conversationId],
  );
}
