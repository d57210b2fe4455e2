import { useState } from "preact/hooks";
import type { ConversationSummary, MessageHit, PersonHit, SearchConversation } from "../../../../worker/protocol";
import { describeError } from "../../api/failure";
import { openDirectConversation, sendFriendRequest } from "../../api/resources";
import { highlight } from "../../chat/highlight";
import { t } from "../../i18n";
import { inbox } from "../../inbox/inboxStore";
import { summaryTitle } from "../../notify/notices";
import { chatPath, messagePath, navigate } from "../../router";
import { ErrorMessage } from "../../ui/ErrorMessage";
import { Link } from "../../ui/Link";
import { useStore } from "../../ui/store";
import { formatTime } from "../../ui/time";
import { kindLabel } from "../media/kindLabel";
import { useGlobalSearch } from "./useGlobalSearch";

interface Props {
  query: string;
  selfId: string;
}

/** People and messages across all of this user's chats, shown in place of the chat list while a query is typed. */
export function GlobalSearch({ query, selfId }: Props) {
  const { state, loading, error, more } = useGlobalSearch(query);
  const summaries = useStore(inbox).conversations;
  return (
    <div class="global-results">
      <p class="muted" aria-live="polite">
        {loading ? t("searching") : ""}
      </p>
      <ErrorMessage text={error} />
      {state && (
        <>
          <People people={state.people} />
          <section aria-labelledby="hits-title">
            <h2 id="hits-title" class="search-heading">
              {t("searchMessagesHeading")}
            </h2>
            {state.hits.length === 0 && !state.nextCursor && <p class="muted">{t("noMessagesFound")}</p>}
            {state.hits.length > 0 && (
              <ul class="hit-list" aria-label={t("searchHitsList")}>
                {state.hits.map((hit) => (
                  <Hit
                    key={`${hit.conversationId}:${hit.message.seq}`}
                    hit={hit}
                    q={state.q}
                    selfId={selfId}
                    conversation={state.conversations.get(hit.conversationId)}
                    summary={summaries.find((c) => c.id === hit.conversationId)}
                  />
                ))}
              </ul>
            )}
            <p class="muted">
              {t("searchedOf", { searched: state.searched, total: state.total })}
              {state.unavailable > 0 && ` ${t("chatsUnavailable", { n: state.unavailable })}`}
            </p>
            {state.nextCursor && (
              <button type="button" class="secondary" disabled={loading} onClick={more}>
                {t("moreResults")}
              </button>
            )}
          </section>
        </>
      )}
    </div>
  );
}

function People({ people }: { people: PersonHit[] }) {
  const [sent, setSent] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const open = async (p: PersonHit) => {
    setError(null);
    try {
      // Creating a DM is idempotent: the pair's existing one comes back.
      const id = p.conversationId ?? (await openDirectConversation(p.user.id)).id;
      navigate(chatPath(id));
    } catch (err) {
      setError(describeError(err));
    }
  };
  const request = async (p: PersonHit) => {
    setError(null);
    try {
      await sendFriendRequest(p.user.id);
      setSent(new Set(sent).add(p.user.id));
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <section aria-labelledby="people-title">
      <h2 id="people-title" class="search-heading">
        {t("searchPeople")}
      </h2>
      <ErrorMessage text={error} />
      {people.length === 0 ? (
        <p class="muted">{t("noPeopleFound")}</p>
      ) : (
        <ul class="people" aria-label={t("searchPeopleList")}>
          {people.map((p) => (
            <li key={p.user.id}>
              <span>
                <bdi dir="auto">{p.user.displayName}</bdi> <small>@{p.user.username}</small>
              </span>
              {p.friend ? (
                <button type="button" onClick={() => open(p)}>
                  {t("message")}
                </button>
              ) : (
                <button type="button" class="secondary" disabled={sent.has(p.user.id)} onClick={() => request(p)}>
                  {sent.has(p.user.id) ? t("requestSent") : t("addFriend")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

interface HitProps {
  hit: MessageHit;
  q: string;
  selfId: string;
  conversation: SearchConversation | undefined;
  summary: ConversationSummary | undefined;
}

function Hit({ hit, q, selfId, conversation, summary }: HitProps) {
  const m = hit.message;
  const title = summaryTitle(summary ?? conversation ?? { title: null });
  // A group's member names are not at hand here: the sender is named only when known.
  const sender =
    m.senderId === selfId ? t("you") : m.senderId === conversation?.peer?.id ? conversation.peer.displayName : null;
  const time = formatTime(m.createdAt);
  const label = kindLabel(m.kind);
  return (
    <li>
      <Link href={messagePath(hit.conversationId, m.seq)} class="hit">
        <bdi class="title" dir="auto">
          {title}
        </bdi>
        <span class="muted">{sender ? t("hitFrom", { name: sender, time }) : time}</span>
        <span class="hit-text" dir="auto">
          {label && !m.text ? `[${label}]` : null}
          {highlight(m.text ?? "", q).map((p, i) =>
            p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
          )}
        </span>
      </Link>
    </li>
  );
}
