import type { ComponentChildren } from "preact";
import { type CSSProperties, forwardRef } from "preact/compat";
import { useLayoutEffect, useRef } from "preact/hooks";
import { Virtualizer, type VirtualizerHandle } from "virtua";
import type { Timeline } from "../../chat/timeline";
import { t } from "../../i18n";
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

// virtua renders its container through this, so the list keeps its role and name.
const MessagesOl = forwardRef<HTMLOListElement, { style: CSSProperties; children?: ComponentChildren }>(
  ({ style, children }, ref) => (
    <ol ref={ref} style={style} aria-label={t("messages")} class="message-ol">
      {children}
    </ol>
  ),
);

/** Arrow keys move between messages (each is focusable, one in the tab order). */
function onKeyDown(e: KeyboardEvent) {
  if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
  const current = (e.target as HTMLElement | null)?.closest<HTMLElement>("[data-message]");
  if (!current) return;
  const items = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>("[data-message]")];
  const at = items.indexOf(current);
  const next = items[at + (e.key === "ArrowDown" ? 1 : -1)];
  if (!next) return;
  e.preventDefault();
  current.tabIndex = -1;
  next.tabIndex = 0;
  next.focus();
}

export function MessageList({ timeline, selfId, nameOf, loadingOlder, onLoadOlder }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useRef<VirtualizerHandle>(null);
  const pinned = useRef(true);
  const firstKey = useRef<string | undefined>(undefined);
  const items = timeline.items;
  const last = items.at(-1)?.key;
  // Prepending older history must keep the viewport where it is (virtua's `shift`).
  const prepending = firstKey.current !== undefined && items[0]?.key !== firstKey.current && items.at(-1)?.key === last;
  firstKey.current = items[0]?.key;

  useLayoutEffect(() => {
    if (pinned.current && items.length > 0) virtualizer.current?.scrollToIndex(items.length - 1, { align: "end" });
  }, [last, items.length]);

  const onScroll = () => {
    const el = scroller.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
  };

  return (
    <>
      {timeline.hasMore && (
        <button type="button" class="load-older" disabled={loadingOlder} onClick={onLoadOlder}>
          {loadingOlder ? t("loading") : t("loadOlder")}
        </button>
      )}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys move focus between the messages inside */}
      <div class="messages" ref={scroller} onScroll={onScroll} onKeyDown={onKeyDown}>
        <Virtualizer ref={virtualizer} scrollRef={scroller} as={MessagesOl} item="li" shift={prepending} data={items}>
          {(item, i) => (
            <MessageItem
              key={item.key}
              item={item}
              own={item.senderId === selfId}
              tabbable={i === items.length - 1}
              senderName={item.senderId === selfId ? t("you") : nameOf(item.senderId)}
            />
          )}
        </Virtualizer>
      </div>
    </>
  );
}
