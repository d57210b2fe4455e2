import { useState } from "preact/hooks";
import { Limits, type SettingsPatch } from "../../../../worker/protocol";
import { setConversationSettings } from "../../api/conversations";
import { ApiFailure, describeError } from "../../api/failure";
import { t } from "../../i18n";
import { isMuted, withSettings } from "../../inbox/inboxState";
import { inbox } from "../../inbox/inboxStore";
import { useStore } from "../../ui/store";

/**
 * Pin and mute for the open chat, in its header: two toggle buttons
 * (aria-pressed), so they are reachable by keyboard and say their state.
 * The list reorders at once; the user's other devices follow over their inbox socket.
 */
export function ChatToggles({ conversationId }: { conversationId: string }) {
  const summary = useStore(inbox).conversations.find((c) => c.id === conversationId);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!summary) return null;
  const pinned = summary.pinned === true;
  const muted = isMuted(summary);

  const change = async (patch: SettingsPatch) => {
    setBusy(true);
    setError(null);
    try {
      const settings = await setConversationSettings(conversationId, patch);
      inbox.set((s) => withSettings(s, conversationId, settings));
    } catch (err) {
      const tooMany = err instanceof ApiFailure && err.code === "conflict" && patch.pinned === true;
      setError(tooMany ? t("tooManyPins", { max: Limits.pinnedMax }) : describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button
        type="button"
        class="secondary small"
        aria-pressed={pinned}
        disabled={busy}
        data-testid="pin-toggle"
        onClick={() => void change({ pinned: !pinned })}
      >
        {pinned ? t("unpinChat") : t("pinChat")}
      </button>
      <button
        type="button"
        class="secondary small"
        aria-pressed={muted}
        disabled={busy}
        data-testid="mute-toggle"
        onClick={() => void change({ muted: !muted })}
      >
        {muted ? t("unmuteChat") : t("muteChat")}
      </button>
      {error && (
        <span role="alert" class="error">
          {error}
        </span>
      )}
    </>
  );
}
