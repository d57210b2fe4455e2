import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { QUICK_REACTIONS } from "../../chat/emoji-choices";
import { t } from "../../i18n";
import { placeMenu } from "./placeMenu";

export interface MenuTarget {
  seq: number;
  /** What it floats beside (the bubble). */
  anchor: HTMLElement;
  /** Where focus goes back when it closes (the bubble, or its actions button). */
  returnFocus: HTMLElement | null;
  alignEnd: boolean;
  canEdit: boolean;
  canDelete: boolean;
  /** Emoji this user already reacted with (pressing again takes it back). */
  mine: Set<string>;
}

interface Props {
  target: MenuTarget;
  /** Whether this user may pin here and the message is pinned; null: pinning is not theirs. */
  pin: { pinned: boolean } | null;
  onReply: () => void;
  onForward: () => void;
  onPin: (on: boolean) => void;
  onEdit: () => void;
  onDelete: () => void;
  onReact: (emoji: string, on: boolean) => void;
  onClose: () => void;
}

/**
 * One floating menu for the whole list, placed beside the message in the
 * window (flipped above it near the bottom, clamped at the edges) so the
 * newest message's actions are never below the fold. Escape, a press
 * elsewhere or scrolling the list closes it; focus goes back where it was.
 */
export function MessageMenu({ target, pin, onReply, onForward, onPin, onEdit, onDelete, onReact, onClose }: Props) {
  const [confirming, setConfirming] = useState(false);
  const panel = useRef<HTMLFieldSetElement>(null);
  const close = (refocus: boolean) => {
    onClose();
    if (refocus) target.returnFocus?.focus({ preventScroll: true });
  };
  const run = (fn: () => void) => () => {
    fn();
    close(true);
  };

  useLayoutEffect(() => {
    const el = panel.current;
    if (!el) return;
    const { top, left } = placeMenu(
      target.anchor.getBoundingClientRect(),
      { width: el.offsetWidth, height: el.offsetHeight },
      { width: document.documentElement.clientWidth, height: window.innerHeight },
      target.alignEnd,
    );
    el.style.top = `${top}px`;
    el.style.left = `${left}px`;
  }, [target, confirming]);

  useEffect(() => {
    panel.current?.querySelector("button")?.focus({ preventScroll: true });
    const outside = (e: Event) => {
      // The open message's own toggle closes it by its click.
      if (e.target instanceof Element && e.target.closest('[aria-expanded="true"]')) return;
      if (!(e.target instanceof Node) || !panel.current?.contains(e.target)) onClose();
    };
    // Escape closes it wherever focus is (a long press may leave focus on the page).
    const onEscape = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      onClose();
      target.returnFocus?.focus({ preventScroll: true });
    };
    const list = target.anchor.closest(".messages");
    document.addEventListener("keydown", onEscape);
    document.addEventListener("pointerdown", outside, true);
    list?.addEventListener("scroll", onClose, { passive: true });
    return () => {
      document.removeEventListener("keydown", onEscape);
      document.removeEventListener("pointerdown", outside, true);
      list?.removeEventListener("scroll", onClose);
    };
  }, [target, onClose]);

  return (
    <fieldset ref={panel} class="actions-panel">
      <legend class="visually-hidden">{t("actions")}</legend>
      <span class="quick-reactions">
        {QUICK_REACTIONS.map((emoji) => (
          <button
            key={emoji}
            type="button"
            class="secondary small"
            aria-pressed={target.mine.has(emoji)}
            aria-label={t("reactWith", { emoji })}
            onClick={run(() => onReact(emoji, !target.mine.has(emoji)))}
          >
            {emoji}
          </button>
        ))}
      </span>
      <button type="button" class="secondary small" onClick={run(onReply)}>
        {t("reply")}
      </button>
      <button type="button" class="secondary small" onClick={run(onForward)}>
        {t("forward")}
      </button>
      {pin && (
        <button type="button" class="secondary small" onClick={run(() => onPin(!pin.pinned))}>
          {pin.pinned ? t("unpinMessage") : t("pinMessage")}
        </button>
      )}
      {target.canEdit && (
        <button type="button" class="secondary small" onClick={run(onEdit)}>
          {t("edit")}
        </button>
      )}
      {target.canDelete && !confirming && (
        <button type="button" class="secondary small" onClick={() => setConfirming(true)}>
          {t("delete")}
        </button>
      )}
      {confirming && (
        <span class="confirm" role="alert">
          {t("confirmDelete")}{" "}
          <button type="button" class="danger small" onClick={run(onDelete)}>
            {t("delete")}
          </button>{" "}
          <button type="button" class="secondary small" onClick={() => setConfirming(false)}>
            {t("cancel")}
          </button>
        </span>
      )}
    </fieldset>
  );
}
