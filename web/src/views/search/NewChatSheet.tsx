import { useEffect, useRef, useState } from "preact/hooks";
import type { Friend } from "../../../../worker/protocol";
import { describeError } from "../../api/failure";
import { listFriends, openDirectConversation } from "../../api/resources";
import { t } from "../../i18n";
import { chatPath, navigate } from "../../router";
import { ErrorMessage } from "../../ui/ErrorMessage";
import { Link } from "../../ui/Link";
import { useLoad } from "../../ui/useLoad";

/** Whether a friend matches what was typed in the sheet's filter (name or username). */
const matches = (f: Friend, needle: string) =>
  needle === "" ||
  f.user.displayName.toLowerCase().includes(needle) ||
  f.user.username.startsWith(needle.replace(/^@/, ""));

/**
 * "New chat": a modal sheet (the native <dialog>: focus trap, Escape, an
 * inert page) to open a DM with a friend or go on to create a group. The
 * focus goes back to the button that opened it when it closes without a pick.
 */
export function NewChatSheet({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const done = useRef(onClose);
  done.current = onClose;
  // A pick moves on to the chat: the focus does not go back to the list's button then.
  const picked = useRef(false);
  const friends = useLoad(listFriends, []);
  const [filter, setFilter] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    const closed = () => {
      if (!picked.current) opener?.focus();
      done.current();
    };
    dialog.addEventListener("close", closed);
    return () => {
      dialog.removeEventListener("close", closed);
      if (dialog.open) dialog.close();
    };
  }, []);

  const open = async (f: Friend) => {
    setBusy(true);
    setError(null);
    try {
      // Creating a DM is idempotent: the pair's existing one comes back.
      const id = f.conversationId ?? (await openDirectConversation(f.user.id)).id;
      picked.current = true;
      ref.current?.close();
      navigate(chatPath(id));
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  const needle = filter.trim().toLowerCase();
  const shown = (friends.data ?? []).filter((f) => matches(f, needle));
  return (
    <dialog ref={ref} class="sheet" aria-labelledby="new-chat-title">
      <div class="sheet-head">
        <h2 id="new-chat-title" class="sheet-title">
          {t("newChat")}
        </h2>
        <button type="button" class="secondary" onClick={() => ref.current?.close()}>
          {t("close")}
        </button>
      </div>
      <p>
        <Link href="/new-group">{t("newGroup")}</Link>
      </p>
      <label for="new-chat-filter">{t("findAFriend")}</label>
      <input id="new-chat-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      <ErrorMessage text={friends.error ?? error} />
      {friends.data && friends.data.length === 0 && (
        <p class="muted">
          <Link href="/contacts">{t("findFriends")}</Link>
        </p>
      )}
      {shown.length > 0 && (
        <ul class="people sheet-list" aria-label={t("chatWithFriends")}>
          {shown.map((f) => (
            <li key={f.user.id}>
              <button type="button" class="pick" disabled={busy} onClick={() => open(f)}>
                <bdi dir="auto">{f.user.displayName}</bdi> <small>@{f.user.username}</small>
              </button>
            </li>
          ))}
        </ul>
      )}
    </dialog>
  );
}
