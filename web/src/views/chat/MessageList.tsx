import { useLayoutEffect, useRef } from "preact/hooks";
import type { Timeline } from "../../chat/timeline";
import { MessageItem } from "./MessageItem";

interface Props {
  timeline: Timeline;
  selfId: string;
  nameOf: (userId: string) => string;
  loadingOlder: boolean;
  onLoadOlder: () => void;
}

/** Pixels from the bottom within which new messages keep the view pinned down. */
const STICKY_PX = 80;

export function MessageList({ timeline, selfId, nameOf, loadingOlder, onLoadOlder }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const last = timeline.items.at(-1)?.key;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [last]);

  const onScroll = () => {
    const el = scroller.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
  };

  return (
    <div class="messages" ref={scroller} onScroll={onScroll}>
      {timeline.hasMore && (
        <button type="button" class="load-older" disabled={loadingOlder} onClick={onLoadOlder}>
          {loadingOlder ? "Loading…" : "Load older messages"}
        </button>
      )}
      <ol aria-label="Messages" aria-live="polite" aria-relevant="additions">
        {timeline.items.map((item) => (
          <MessageItem
            key={item.key}
            item={item}
            own={item.senderId === selfId}
            senderName={item.senderId === selfId ? "You" : nameOf(item.senderId)}
          />
        ))}
      </ol>
    </div>
  );
}
