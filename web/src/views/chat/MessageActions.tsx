import { useRef, useState } from "preact/hooks";
import { QUICK_REACTIONS } from "../../chat/emoji-choices";
import { t } from "../../i18n";

interface Props {
  senderName: string;
  canEdit: boolean;
  canDelete: boolean;
  /** Emoji this user already reacted with (pressing again takes it back). */
  mine: Set<string>;
  onReply: () => void;
  onEdit: () => void;
  onDelete: () => void;
  onReact: (emoji: string, on: boolean) => void;
}

/** A disclosure button per message opening its actions; Escape closes and returns focus. */
export function MessageActions({ senderName, canEdit, canDelete, mine, onReply, onEdit, onDelete, onReact }: Props) {
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    setConfirming(false);
    toggle.current?.focus();
  };
  const run = (fn: () => void) => () => {
    fn();
    setOpen(false);
    setConfirming(false);
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape closes the panel from inside it
    <div
      class="message-actions"
      onKeyDown={(e) => {
        if (e.key === "Escape" && open) {
          e.stopPropagation();
          close();
        }
      }}
    >
      <button
        ref={toggle}
        type="button"
        class="secondary small"
        aria-expanded={open}
        aria-label={t("actionsFor", { name: senderName })}
        title={t("actions")}
        onClick={() => (open ? close() : setOpen(true))}
      >
        ⋯
      </button>
      {open && (
        <fieldset class="actions-panel">
          <legend class="visually-hidden">{t("actions")}</legend>
          <span class="quick-reactions">
            {QUICK_REACTIONS.map((emoji) => (
              <button
                key={emoji}
                type="button"
                class="secondary small"
                aria-pressed={mine.has(emoji)}
                aria-label={t("reactWith", { emoji })}
                onClick={run(() => onReact(emoji, !mine.has(emoji)))}
              >
                {emoji}
              </button>
            ))}
          </span>
          <button type="button" class="secondary small" onClick={run(onReply)}>
            {t("reply")}
          </button>
          {canEdit && (
            <button type="button" class="secondary small" onClick={run(onEdit)}>
              {t("edit")}
            </button>
          )}
          {canDelete && !confirming && (
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
      )}
    </div>
  );
}
