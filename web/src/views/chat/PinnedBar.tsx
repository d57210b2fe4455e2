import { useEffect, useMemo, useState } from "preact/hooks";
import type { Message, Pin } from "../../../../worker/protocol";
import { listPins } from "../../api/conversations";
import { nextPinIndex, pinAt } from "../../chat/pins";
import type { TimelineItem } from "../../chat/timeline";
import { t } from "../../i18n";
import { kindLabel } from "../media/kindLabel";

interface Props {
  conversationId: string;
  pins: readonly Pin[];
  /** The loaded messages: a pin's text comes from here while it is loaded (edits show at once). */
  items: readonly TimelineItem[];
  onJump: (seq: number) => void;
}

const previewOf = (m: Pick<Message, "text" | "kind">) => m.text || kindLabel(m.kind) || "";

/**
 * The pinned message at the top of a chat, as Telegram shows it: the newest
 * pin first; a tap jumps to the shown message and turns the bar to the pin
 * before it, round and round. Messages not loaded are fetched with the pins.
 */
export function PinnedBar({ conversationId, pins, items, onJump }: Props) {
  const [at, setAt] = useState(0);
  const [fetched, setFetched] = useState<ReadonlyMap<number, Message>>(new Map());
  const loaded = useMemo(() => new Map(items.flatMap((i) => (i.seq === null ? [] : [[i.seq, i] as const]))), [items]);
  const key = pins.map((p) => p.seq).join(",");
  const missing = pins.some((p) => !loaded.has(p.seq) && !fetched.has(p.seq));

  // A new or removed pin shows the newest again.
  useEffect(() => setAt(0), [conversationId, key]);
  useEffect(() => {
    if (!missing) return;
    let live = true;
    listPins(conversationId).then(
      (list) => live && setFetched(new Map(list.map((p) => [p.seq, p.message]))),
      // Offline: the bar shows what is loaded; the next change of pins asks again.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [conversationId, key, missing]);

  const shown = pinAt(pins, at);
  if (!shown) return null;
  const { pin, index } = shown;
  // At most four marks, a window that holds the shown pin (oldest at the top).
  const pos = pins.length - 1 - index;
  const start = Math.min(Math.max(0, pos - 3), Math.max(0, pins.length - 4));
  const message = loaded.get(pin.seq) ?? fetched.get(pin.seq);
  const label =
    pins.length > 1 ? t("pinnedMessageOf", { n: pins.length - index, total: pins.length }) : t("pinnedMessage");
  return (
    <button
      type="button"
      class="pinned-bar"
      title={pins.length > 1 ? t("pinnedShowNext") : undefined}
      onClick={() => {
        onJump(pin.seq);
        setAt(nextPinIndex(index, pins.length));
      }}
    >
      <span class="pinned-marks" aria-hidden="true">
        {pins.slice(start, start + 4).map((p) => (
          <span key={p.seq} class={p.seq === pin.seq ? "mark current" : "mark"} />
        ))}
      </span>
      <span class="pinned-body">
        <span class="pinned-label">{label}</span>
        <span class="pinned-text" dir="auto">
          {message ? previewOf(message) : "…"}
        </span>
      </span>
    </button>
  );
}
