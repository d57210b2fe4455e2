import type { ComponentChildren } from "preact";
import { type CSSProperties, forwardRef } from "preact/compat";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { Virtualizer, type VirtualizerHandle } from "virtua";
import type { ReadCount, User } from "../../../../worker/protocol";
import { flowOf } from "../../chat/flow";
import type { ReadMarkers } from "../../chat/receipts";
import { seenBy, seenCount } from "../../chat/receipts";
import type { Timeline } from "../../chat/timeline";
import type { Focus } from "../../chat/useJumps";
import { getLang, t } from "../../i18n";
import { type MenuTarget, MessageMenu } from "./MessageActions";
import { type MemberName, type MessageHandlers, MessageItem } from "./MessageItem";
import { personName, quoteOf } from "./quote";
import { useVisibleRows } from "./useVisibleRows";

interface Props {
  timeline: Timeline;
  selfId: string;
  nameOf: (userId: string) => string;
  memberName: MemberName;
  /** A member's profile (for the avatar beside their messages in a group), if the details list them. */
  userOf: (userId: string) => User | undefined;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  moderator: boolean;
  group: boolean;
  markers: ReadMarkers;
  /** A large group's receipts as counts; null while they are per member (`markers`). */
  readCounts: ReadCount[] | null;
  /** The reader's own marker, left out of the counts. */
  ownRead: number;
  focus: Focus | null;
  detached: boolean;
  onBackToLatest: () => void;
  handlers: Omit<MessageHandlers, "onMenu">;
  /** The conversation shown: forwarded files are read through it. */
  conversationId: string;
  /** The pinned messages' seqs, and whether this user may pin and unpin here. */
  pinned: ReadonlySet<number>;
  canPin: boolean;
  /** The reader's read position when the chat opened (the "New messages" divider). */
  unreadAfter: number | null;
  /** The newest message the reader has had on screen: later ones from others count as new. */
  seenUpTo: number;
  onVisible: (seq: number) => void;
}

/** How long a message jumped to stays highlighted. */
const FLASH_MS = 2_500;
/** Frames a jump waits for its target to be rendered before it gives up moving the focus there. */
const FOCUS_FRAMES = 60;

/** Pixels from the bottom within which new messages keep the view pinned down. */
const STICKY_PX = 80;
/** Pixels from the top within which "Load older messages" is offered. */
const TOP_PX = 200;

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

export function MessageList(props: Props) {
  const { timeline, selfId, nameOf, loadingOlder, onLoadOlder, moderator, group, markers, focus } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useRef<VirtualizerHandle>(null);
  const pinned = useRef(true);
  const [atBottom, setAtBottom] = useState(true);
  const [nearTop, setNearTop] = useState(false);
  const [menu, setMenu] = useState<MenuTarget | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const observe = useVisibleRows(scroller, props.onVisible);
  const firstKey = useRef<string | undefined>(undefined);
  const items = timeline.items;
  const newest = items.at(-1);
  const last = newest?.key;
  // Prepending older history must keep the viewport where it is (virtua's `shift`).
  const prepending = firstKey.current !== undefined && items[0]?.key !== firstKey.current && items.at(-1)?.key === last;
  firstKey.current = items[0]?.key;

  const toBottom = () => {
    if (items.length > 0) virtualizer.current?.scrollToIndex(items.length - 1, { align: "end" });
  };
  useLayoutEffect(() => {
    // One's own new message is always shown, wherever the reader had scrolled to.
    if (newest?.status === "pending" && newest.senderId === selfId) pinned.current = true;
    if (pinned.current) toBottom();
  }, [last, items.length]);

  // A list too short to scroll fires no scroll event: it is at the top, so offer older messages.
  useEffect(() => {
    const raf = requestAnimationFrame(() => {
      const el = scroller.current;
      if (el && el.scrollHeight <= el.clientHeight + 1) setNearTop(true);
    });
    return () => cancelAnimationFrame(raf);
  }, [items.length]);

  // A jump (search result, date, reply quote): scroll there, flash it, move focus to it.
  const [flash, setFlash] = useState<number | null>(null);
  useEffect(() => {
    if (!focus) return;
    const index = items.findIndex((i) => i.seq === focus.seq);
    if (index === -1) return;
    pinned.current = false;
    virtualizer.current?.scrollToIndex(index, { align: "center" });
    setFlash(focus.seq);
    // In a list that has just mounted, virtua keeps the target hidden (unfocusable) until it has
    // measured it, a few frames after the scroll: try again each frame until the focus lands.
    let raf = 0;
    let frames = 0;
    const focusTarget = () => {
      const el = scroller.current?.querySelector<HTMLElement>(`[data-message="${focus.seq}"]`);
      el?.focus({ preventScroll: true });
      if (document.activeElement !== el && ++frames < FOCUS_FRAMES) raf = requestAnimationFrame(focusTarget);
    };
    raf = requestAnimationFrame(focusTarget);
    const timer = setTimeout(() => setFlash(null), FLASH_MS);
    return () => {
      cancelAnimationFrame(raf);
      clearTimeout(timer);
    };
    // Only a new jump moves the view, not every change to the list.
  }, [focus]);

  const { readCounts, ownRead } = props;
  const seen = useMemo(() => {
    if (readCounts) {
      // A large group says how many, never who (docs/protocol.md, "Large groups").
      const c = seenCount(items, readCounts, selfId, ownRead);
      if (!c) return null;
      const n = new Intl.NumberFormat(getLang()).format(c.count);
      return { seq: c.seq, text: t(c.atLeast ? "seenByAtLeast" : "seenByCount", { n }) };
    }
    const s = seenBy(items, markers, selfId);
    if (!s) return null;
    const text = group ? t("seenBy", { names: s.userIds.map(nameOf).join(", ") }) : t("seen");
    return { seq: s.seq, text };
  }, [items, markers, readCounts, ownRead, selfId, group, nameOf]);

  const rows = useMemo(
    () =>
      flowOf(items, {
        selfId,
        unreadAfter: props.unreadAfter,
        now: Date.now(),
        locale: getLang(),
        words: { today: t("today"), yesterday: t("yesterday") },
      }),
    [items, selfId, props.unreadAfter],
  );
  const unseen = useMemo(
    () => items.filter((i) => i.seq !== null && i.seq > props.seenUpTo && i.senderId !== selfId).length,
    [items, props.seenUpTo, selfId],
  );

  const bySeq = useMemo(() => new Map(items.flatMap((i) => (i.seq === null ? [] : [[i.seq, i] as const]))), [items]);
  const quoteFor = (seq: number | undefined) => {
    const target = seq === undefined ? undefined : bySeq.get(seq);
    return target ? quoteOf(target, selfId, nameOf, props.memberName) : null;
  };
  const handlers = useMemo<MessageHandlers>(() => ({ ...props.handlers, onMenu: setMenu }), [props.handlers]);
  const menuItem = menu ? bySeq.get(menu.seq) : undefined;

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
    setAtBottom(pinned.current);
    setNearTop(el.scrollTop < TOP_PX);
  };

  return (
    <div class="messages-pane">
      {timeline.hasMore && nearTop && (
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
              row={rows[i] ?? { first: true, last: true, day: null, unreadStart: false }}
              own={item.senderId === selfId}
              group={group}
              selfId={selfId}
              moderator={moderator}
              tabbable={i === items.length - 1}
              highlighted={item.seq !== null && item.seq === flash}
              menuOpen={menu !== null && item.seq === menu.seq}
              quote={quoteFor(item.replyTo)}
              seen={seen && item.seq === seen.seq ? seen.text : null}
              nameOf={nameOf}
              memberName={props.memberName}
              handlers={handlers}
              conversationId={props.conversationId}
              observe={observe}
              senderName={personName(item.senderId, selfId, nameOf)}
              sender={group && item.senderId !== selfId ? props.userOf(item.senderId) : undefined}
            />
          )}
        </Virtualizer>
      </div>
      {(props.detached || !atBottom) && (
        <button
          type="button"
          class="jump-down"
          aria-label={unseen > 0 ? t("backToLatestNew", { n: unseen }) : t("backToLatest")}
          title={t("backToLatest")}
          onClick={() => {
            pinned.current = true;
            setAtBottom(true);
            if (props.detached) props.onBackToLatest();
            else toBottom();
          }}
        >
          <span aria-hidden="true">↓</span>
          {unseen > 0 && (
            <span class="jump-count" aria-hidden="true">
              {unseen}
            </span>
          )}
        </button>
      )}
      {menu && menuItem && (
        <MessageMenu
          target={menu}
          pin={props.canPin ? { pinned: props.pinned.has(menu.seq) } : null}
          onClose={closeMenu}
          onReply={() => props.handlers.onReply(menuItem)}
          onForward={() => props.handlers.onForward(menu.seq)}
          onPin={(on) => props.handlers.onPin(menu.seq, on)}
          onEdit={() => props.handlers.onEdit(menuItem)}
          onDelete={() => props.handlers.onDelete(menu.seq)}
          onReact={(emoji, on) => props.handlers.onReact(menu.seq, emoji, on)}
        />
      )}
    </div>
  );
}
