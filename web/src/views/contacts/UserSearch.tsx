import { useEffect, useState } from "preact/hooks";
import type { User } from "../../../../worker/protocol";
import { describeError } from "../../api/failure";
import { searchUsers, sendFriendRequest } from "../../api/resources";
import { t } from "../../i18n";
import { ErrorMessage } from "../../ui/ErrorMessage";

/** Finds people by username prefix and sends them a friend request. */
export function UserSearch({ selfId, onRequested }: { selfId: string; onRequested: () => void }) {
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<User[]>([]);
  const [sent, setSent] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const q = query.trim().toLowerCase();
    if (q.length === 0) {
      setResults([]);
      return;
    }
    let live = true;
    // Wait for a pause in typing before asking the server.
    const timer = setTimeout(() => {
      searchUsers(q).then(
        (users) => {
          if (!live) return;
          setResults(users.filter((u) => u.id !== selfId));
          setError(null);
        },
        (err: unknown) => {
          if (!live) return;
          // Old matches beside a refusal would read as the answer to this query.
          setResults([]);
          setError(describeError(err));
        },
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, selfId]);

  const request = async (user: User) => {
    setError(null);
    try {
      await sendFriendRequest(user.id);
      setSent(new Set(sent).add(user.id));
      onRequested();
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <section aria-labelledby="search-title">
      <h2 id="search-title">{t("findPeople")}</h2>
      <label>
        {t("searchByUsername")}
        <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      </label>
      <ErrorMessage text={error} />
      {results.length > 0 && (
        <ul aria-label={t("searchResults")} class="people">
          {results.map((user) => (
            <li key={user.id}>
              <span>
                <bdi dir="auto">{user.displayName}</bdi> <small>@{user.username}</small>
              </span>
              <button type="button" disabled={sent.has(user.id)} onClick={() => request(user)}>
                {sent.has(user.id) ? t("requestSent") : t("addFriend")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
