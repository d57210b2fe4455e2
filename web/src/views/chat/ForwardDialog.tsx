// The conversation picker of "Forward": its own chunk, loaded on first use.
import { useEffect, useId, useRef, useState } from "preact/hooks";
import type { ForwardSource } from "../../../../worker/protocol";
import { forwardMessage } from "../../api/conversations";
import { describeError } from "../../api/failure";
import { t } from "../../i18n";
import { inbox } from "../../inbox/inboxStore";
import { summaryTitle } from "../../notify/notices";
import { chatPath, navigate } from "../../router";
import { ErrorMessage } from "../../ui/ErrorMessage";
import { useStore } from "../../ui/store";

interface Props {
  from: ForwardSource;
  onClose: () => void;
}

/**
 * A modal list of the user's chats (full screen on a phone), filtered as
 * they type; picking one forwards the message there and opens that chat, as
 * Telegram does. The native <dialog> traps focus and closes on Escape;
 * focus goes back to what opened it. A failed forward stays open with the
 * reason, and trying the same chat again reuses its clientId, so a lost
 * answer never makes two copies.
 */
export function ForwardDialog({ from, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const done = useRef(onClose);
  done.current = onClose;
  const { conversations } = useStore(inbox);
  const [query, setQuery] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const clientIds = useRef(new Map<string, string>());
  const id = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    const closed = () => {
      if (opener?.isConnected) opener.focus();
      done.current();
    };
    dialog.addEventListener("close", closed);
    return () => {
      dialog.removeEventListener("close", closed);
      if (dialog.open) dialog.close();
    };
  }, []);

  const q = query.trim().toLocaleLowerCase();
  const shown = q ? conversations.filter((c) => summaryTitle(c).toLocaleLowerCase().includes(q)) : conversations;

  const pick = async (to: string) => {
    const clientId = clientIds.current.get(to) ?? crypto.randomUUID();
    clientIds.current.set(to, clientId);
    setBusy(to);
    setError(null);
    try {
      await forwardMessage(to, clientId, from);
      ref.current?.close();
      navigate(chatPath(to));
    } catch (err) {
      setError(describeError(err));
      setBusy(null);
    }
  };

  return (
    <dialog ref={ref} class="forward-dialog" aria-labelledby={`${id}-t`}>
      <header class="forward-head">
        <h2 id={`${id}-t`} class="forward-title">
          {t("forwardTo")}
        </h2>
        <button type="button" class="secondary small" aria-label={t("close")} onClick={() => ref.current?.close()}>
          ✕
        </button>
      </header>
      <input
        type="search"
        value={query}
        placeholder={t("forwardSearch")}
        aria-label={t("forwardSearch")}
        autoFocus
        onInput={(e) => setQuery(e.currentTarget.value)}
      />
      <ErrorMessage text={error} />
      {busy && (
        <p class="muted" role="status">
          {t("forwarding")}
        </p>
      )}
      {shown.length === 0 ? (
        <p class="muted">{t("forwardNoMatch")}</p>
      ) : (
        <ul class="forward-list">
          {shown.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                class="forward-target"
                disabled={busy !== null}
                aria-label={t("forwardTarget", { title: summaryTitle(c) })}
                onClick={() => void pick(c.id)}
              >
                <bdi dir="auto">{summaryTitle(c)}</bdi>
              </button>
            </li>
          ))}
        </ul>
      )}
    </dialog>
  );
}
