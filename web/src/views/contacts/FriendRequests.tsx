import { useState } from "preact/hooks";
import type { FriendRequest } from "../../../../worker/protocol";
import { describeError } from "../../api/failure";
import { acceptFriendRequest, cancelFriendRequest, declineFriendRequest } from "../../api/resources";
import { t } from "../../i18n";
import { ErrorMessage } from "../../ui/ErrorMessage";

interface Props {
  incoming: FriendRequest[];
  outgoing: FriendRequest[];
  onChange: () => void;
}

export function FriendRequests({ incoming, outgoing, onChange }: Props) {
  const [error, setError] = useState<string | null>(null);
  const act = (action: () => Promise<void>) => async () => {
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(describeError(err));
    }
    onChange();
  };

  return (
    <section aria-labelledby="requests-title">
      <h2 id="requests-title">{t("friendRequests")}</h2>
      <ErrorMessage text={error} />
      <h3 id="incoming-title">{t("received")}</h3>
      {incoming.length === 0 ? (
        <p class="muted">{t("noRequests")}</p>
      ) : (
        <ul aria-labelledby="incoming-title" class="people">
          {incoming.map((r) => (
            <li key={r.id}>
              <span>
                <bdi dir="auto">{r.from.displayName}</bdi> <small>@{r.from.username}</small>
                {r.message && <q dir="auto">{r.message}</q>}
              </span>
              <button type="button" onClick={act(() => acceptFriendRequest(r.id))}>
                {t("accept")}
              </button>
              <button type="button" onClick={act(() => declineFriendRequest(r.id))}>
                {t("decline")}
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3 id="outgoing-title">{t("sent")}</h3>
      {outgoing.length === 0 ? (
        <p class="muted">{t("noPending")}</p>
      ) : (
        <ul aria-labelledby="outgoing-title" class="people">
          {outgoing.map((r) => (
            <li key={r.id}>
              <span>
                <bdi dir="auto">{r.to.displayName}</bdi> <small>@{r.to.username}</small>
              </span>
              <button type="button" onClick={act(() => cancelFriendRequest(r.id))}>
                {t("cancel")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
