import { useEffect, useId, useRef } from "preact/hooks";
import { t } from "../i18n";

interface Props {
  title: string;
  /** What will happen, in words: a confirmation that does not say it is only a speed bump. */
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A modal confirmation for destructive actions. The native <dialog> with
 * showModal() gives role=dialog, a focus trap, Escape and an inert page; the
 * safe choice (Cancel) gets the focus first, and the focus goes back to
 * whatever opened the dialog when it closes, whichever way it closes.
 */
export function ConfirmDialog({ title, body, confirmLabel, onConfirm, onCancel }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const confirmed = useRef(false);
  // The latest callbacks, so the dialog opens once however often the parent renders.
  const done = useRef({ onConfirm, onCancel });
  done.current = { onConfirm, onCancel };
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    const onClose = () => {
      opener?.focus();
      if (confirmed.current) done.current.onConfirm();
      else done.current.onCancel();
    };
    dialog.addEventListener("close", onClose);
    return () => {
      dialog.removeEventListener("close", onClose);
      if (dialog.open) dialog.close();
    };
  }, []);

  const close = (confirm: boolean) => {
    confirmed.current = confirm;
    ref.current?.close();
  };
  return (
    <dialog ref={ref} class="confirm" aria-labelledby={`${id}-t`} aria-describedby={`${id}-b`}>
      <h2 id={`${id}-t`}>{title}</h2>
      <p id={`${id}-b`}>{body}</p>
      <p class="confirm-actions">
        {/* biome-ignore lint/a11y/noAutofocus: the safe choice takes the focus when the dialog opens */}
        <button type="button" class="secondary" autoFocus onClick={() => close(false)}>
          {t("cancel")}
        </button>
        <button type="button" class="danger" onClick={() => close(true)}>
          {confirmLabel}
        </button>
      </p>
    </dialog>
  );
}
