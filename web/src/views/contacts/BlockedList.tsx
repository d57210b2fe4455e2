import { useState } from "preact/hooks";
import type { User } from "../../../../worker/protocol";
import { describeError } from "../../api/failure";
import { unblockUser } from "../../api/resources";
import { t } from "../../i18n";
import { ErrorMessage } from "../../ui/ErrorMessage";

export function BlockedList({ users, onChange }: { users: User[]; onChange: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const unblock = async (user: User) => {
    setError(null);
    try {
      await unblockUser(user.id);
    } catch (err) {
      setError(describeError(err));
    }
    onChange();
  };
  return (
    <section aria-labelledby="blocked-title">
      <h2 id="blocked-title">{t("blocked")}</h2>
      <ErrorMessage text={error} />
      {users.length === 0 ? (
        <p class="muted">{t("noBlocked")}</p>
      ) : (
        <ul aria-labelledby="blocked-title" class="people">
          {users.map((u) => (
            <li key={u.id}>
              <span>
                <bdi dir="auto">{u.displayName}</bdi> <small>@{u.username}</small>
              </span>
              <button type="button" onClick={() => unblock(u)}>
                {t("unblock")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
