import { useState } from "preact/hooks";
import type { Friend } from "../../../../worker/protocol";
import { describeError } from "../../api/failure";
import { openDirectConversation } from "../../api/resources";
import { chatPath, navigate } from "../../router";
import { ErrorMessage } from "../../ui/ErrorMessage";

export function FriendsList({ friends }: { friends: Friend[] }) {
  const [error, setError] = useState<string | null>(null);
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

  return (
    <section aria-labelledby="friends-title">
      <h2 id="friends-title">Friends</h2>
      <ErrorMessage text={error} />
      {friends.length === 0 ? (
        <p class="muted">No friends yet. Find people above.</p>
      ) : (
        <ul aria-labelledby="friends-title" class="people">
          {friends.map((f) => (
            <li key={f.user.id}>
              <span>
                <span class={`presence ${f.presence.status}`} role="img" aria-label={f.presence.status} />
                {f.user.displayName} <small>@{f.user.username}</small>
              </span>
              <button type="button" onClick={() => message(f)}>
                Message
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
