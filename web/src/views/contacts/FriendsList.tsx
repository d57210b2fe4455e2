import { useState } from "preact/hooks";
import type { Friend } from "../../../../worker/protocol";
import { describeError } from "../../api/failure";
import { blockUser, openDirectConversation } from "../../api/resources";
import { t } from "../../i18n";
import type { PresenceInfo } from "../../inbox/inboxState";
import { chatPath, navigate } from "../../router";
import { ConfirmDialog } from "../../ui/ConfirmDialog";
import { ErrorMessage } from "../../ui/ErrorMessage";
import { PresenceDot } from "../../ui/PresenceDot";
import { formatTime } from "../../ui/time";

interface Props {
  friends: Friend[];
  /** Live presence from the inbox socket; REST's snapshot where it has said nothing yet. */
  presence: ReadonlyMap<string, PresenceInfo>;
  onChange: () => void;
}

export function FriendsList({ friends, presence, onChange }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [blocking, setBlocking] = useState<Friend | null>(null);
  const message = async (friend: Friend) => {
    setError(null);
    try {
      // Creation is idempotent: the same pair always gets the same conversation.
      const conversation = await openDirectConversation(friend.user.id);
      navigate(chatPath(conversation.id));
    } catch (err) {
      setError(describeError(err));
    }
  };
  const block = async (friend: Friend) => {
    setError(null);
    try {
      await blockUser(friend.user.id);
    } catch (err) {
      setError(describeError(err));
    }
    onChange();
  };

  return (
    <section aria-labelledby="friends-title">
      <h2 id="friends-title">{t("friends")}</h2>
      <ErrorMessage text={error} />
      {friends.length === 0 ? (
        <p class="muted">{t("noFriends")}</p>
      ) : (
        <ul aria-labelledby="friends-title" class="people">
          {friends.map((f) => {
            const p = presence.get(f.user.id) ?? f.presence;
            return (
              <li key={f.user.id} data-user={f.user.username}>
                <span>
                  <PresenceDot status={p.status} />
                  <bdi dir="auto">{f.user.displayName}</bdi> <small>@{f.user.username}</small>
                  {p.status === "offline" && p.lastSeenAt !== null && (
                    <small class="muted last-seen"> {t("lastSeen", { time: formatTime(p.lastSeenAt) })}</small>
                  )}
                </span>
                <button type="button" onClick={() => message(f)}>
                  {t("message")}
                </button>
                <button type="button" class="secondary" onClick={() => setBlocking(f)}>
                  {t("block")}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {blocking && (
        // Blocking ends the friendship for good: say so before doing it.
        <ConfirmDialog
          title={t("confirmBlockTitle", { name: blocking.user.displayName })}
          body={t("confirmBlockBody", { name: blocking.user.displayName })}
          confirmLabel={t("block")}
          onConfirm={() => {
            setBlocking(null);
            void block(blocking);
          }}
          onCancel={() => setBlocking(null)}
        />
      )}
    </section>
  );
}
