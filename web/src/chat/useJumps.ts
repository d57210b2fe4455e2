// The part of a chat that moves through history: paging older messages, and
// jumps (search results, dates, reply quotes) that load a window of older
// history around a message and scroll to it.
import type { Dispatch, StateUpdater } from "preact/hooks";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { Limits } from "../../../worker/protocol";
import { messagesBetween } from "../api/conversations";
import { describeError } from "../api/failure";
import { listMessages } from "../api/resources";
import type { ClientEvent } from "../wire/events";
import { addHistory, applyEvents, emptyTimeline, oldestSeqOf, type Timeline } from "./timeline";

/** A message to scroll to and flash; `nonce` makes a second jump to the same one count. */
export interface Focus {
  seq: number;
  nonce: number;
}

export interface Jumps {
  /** What the list shows: the live end, or a window of older history after a jump. */
  timeline: Timeline;
  /** The list shows a window of older history, not the newest messages. */
  detached: boolean;
  loadingOlder: boolean;
  focus: Focus | null;
  loadOlder(): void;
  /** Loads the history around `seq` and scrolls to it. */
  jumpTo(seq: number): Promise<void>;
  /** Jumps to the first message of the local day [dayStart, nextDayStart); false when that day has none. */
  jumpToDay(dayStart: number, nextDayStart: number): Promise<boolean>;
  backToLatest(): void;
}

/** Messages after a jump target that are loaded with it (PROTOCOL: `before=<seq+26>&limit=50`). */
const WINDOW_AFTER = 26;
const WINDOW_SIZE = 50;

export function useJumps(
  conversationId: string,
  live: Timeline,
  setLive: Dispatch<StateUpdater<Timeline>>,
  setError: (text: string) => void,
  /** Set here: folds live events into the window (changes only, no new messages). */
  foldRef: { current: ((events: ClientEvent[]) => void) | null },
): Jumps {
  const [window, setWindow] = useState<Timeline | null>(null);
  const [focus, setFocus] = useState<Focus | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const nonce = useRef(0);

  useEffect(() => {
    setWindow(null);
    setFocus(null);
    foldRef.current = (events) => setWindow((w) => (w ? applyEvents(w, events, { appendNew: false }) : w));
    return () => {
      foldRef.current = null;
    };
  }, [conversationId, foldRef]);

  const shown = window ?? live;
  const loadOlder = useCallback(() => {
    const before = oldestSeqOf(shown);
    if (before === undefined || loadingOlder) return;
    setLoadingOlder(true);
    listMessages(conversationId, before)
      .then(
        (page) => {
          const add = (t: Timeline) => addHistory(t, page.messages, page.hasMore);
          if (window) setWindow((w) => (w ? add(w) : w));
          else setLive(add);
        },
        (err: unknown) => setError(describeError(err)),
      )
      .finally(() => setLoadingOlder(false));
  }, [conversationId, shown, window, loadingOlder, setLive, setError]);

  const jumpTo = useCallback(
    async (seq: number) => {
      const show = () => {
        nonce.current += 1;
        setFocus({ seq, nonce: nonce.current });
      };
      if (live.items.some((i) => i.seq === seq)) {
        setWindow(null);
        show();
        return;
      }
      // Already in the window on screen: no page to fetch.
      if (window?.items.some((i) => i.seq === seq)) {
        show();
        return;
      }
      const oldest = oldestSeqOf(live);
      // Close to the loaded end: page down to it, so the list stays one unbroken run.
      const contiguous = oldest !== undefined && oldest - seq < Limits.messagesPageMax - WINDOW_AFTER;
      const before = contiguous ? oldest : seq + WINDOW_AFTER;
      const limit = contiguous ? oldest - seq + WINDOW_AFTER : WINDOW_SIZE;
      try {
        const page = await listMessages(conversationId, before, limit);
        // A contiguous page (or any page, while nothing is loaded) extends the
        // live timeline without a hidden gap; a distant one is a window of its own.
        if (contiguous || oldest === undefined) {
          setLive((t) => addHistory(t, page.messages, page.hasMore));
          setWindow(null);
        } else setWindow(addHistory(emptyTimeline, page.messages, page.hasMore));
        show();
      } catch (err) {
        setError(describeError(err));
      }
    },
    [conversationId, live, window, setLive, setError],
  );

  const jumpToDay = useCallback(
    async (dayStart: number, nextDayStart: number) => {
      try {
        const page = await messagesBetween(conversationId, dayStart, nextDayStart, 1);
        const first = page.messages[0];
        if (!first) return false;
        await jumpTo(first.seq);
        return true;
      } catch (err) {
        setError(describeError(err));
        return true;
      }
    },
    [conversationId, jumpTo, setError],
  );

  const backToLatest = useCallback(() => {
    setWindow(null);
    setFocus(null);
  }, []);

  return {
    timeline: shown,
    detached: window !== null,
    loadingOlder,
    focus,
    loadOlder,
    jumpTo,
    jumpToDay,
    backToLatest,
  };
}
