import { useState } from "preact/hooks";
import type { FriendRequest } from "../../../../worker/protocol";
import { describeError } from "../../api/failure";
import { acceptFriendRequest, cancelFriendRequest, declineFriendRequest } from "../../api/resources";
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
      <h2 id="requests-title">Friend requests</h2>
      <ErrorMessage text={error} />
      <h3 id="incoming-title">Received</h3>
      {incoming.length === 0 ? (
        <p class="muted">No requests.</p>
      ) : (
        <ul aria-labelledby="incoming-title" class="people">
          {incoming.map((r) => (
            <li key={r.id}>
              <span>
                {r.from.displayName} <small>@{r.from.username}</small>
                {r.message && <q>{r.message}</q>}
              </span>
              <button type="button" onClick={act(() => acceptFriendRequest(r.id))}>
                Accept
              </button>
              <button type="button" onClick={act(() => declineFriendRequest(r.id))}>
                Decline
              </button>
            </li>
          ))}
        </ul>
      )}
      <h3 id="outgoing-title">Sent</h3>
      {outgoing.length === 0 ? (
        <p class="muted">No pending requests.</p>
      ) : (
        <ul aria-labelledby="outgoing-title" class="people">
          {outgoing.map((r) => (
            <li key={r.id}>
              <span>
                {r.to.displayName} <small>@{r.to.username}</small>
              </span>
              <button type="button" onClick={act(() => cancelFriendRequest(r.id))}>
                Cancel
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
