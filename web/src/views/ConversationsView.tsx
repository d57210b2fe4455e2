import { useState } from "preact/hooks";
import type { ConversationSummary } from "../../../worker/protocol";
import { t } from "../i18n";
import { isMuted, type PresenceInfo } from "../inbox/inboxState";
import { inbox, inboxLoaded } from "../inbox/inboxStore";
import { summaryTitle } from "../notify/notices";
import { chatPath } from "../router";
import { Avatar } from "../ui/Avatar";
import { Link } from "../ui/Link";
import { lazy } from "../ui/lazy";
import { PresenceDot } from "../ui/PresenceDot";
import { rovingKeyDown } from "../ui/roving";
import { useStore } from "../ui/store";
import { formatTime } from "../ui/time";
import { kindLabel } from "./media/kindLabel";

// Loaded on first use: most visits to the list never search or start a chat.
const GlobalSearch = lazy(() => import("./search/GlobalSearch").then((m) => m.GlobalSearch));
const NewChatSheet = lazy(() => import("./search/NewChatSheet").then((m) => m.NewChatSheet));

export const conversationTitle = summaryTitle;

/** File messages have no text preview: name their kind instead. */
function kindPreview(kind: string): string {
  const label = kindLabel(kind);
  return label ? `[${label}]` : "";
}

interface Props {
  selectedId: string | null;
  selfId: string;
}

/**
 * The conversation list, live from the inbox (cache first, then REST, then
 * the socket), with the search over all chats above it and "New chat".
 */
export function ConversationsView({ selectedId, selfId }: Props) {
  const [query, setQuery] = useState("");
  const [newChat, setNewChat] = useState(false);
  // While a query is typed, its results take the list's place.
  const searching = query.trim() !== "";
  const state = useStore(inbox);
  const loaded = useStore(inboxLoaded);
  const list = state.conversations;
  const focusIndex = Math.max(
    0,
    list.findIndex((c) => c.id === selectedId),
  );
  const Pane = selectedId === null ? "main" : "aside";

  return (
    <Pane class="conversations list-pane" aria-labelledby="chats-title">
      <div class="list-head">
        <h1 id="chats-title">{t("chats")}</h1>
        <button type="button" aria-haspopup="dialog" onClick={() => setNewChat(true)}>
          {t("newChat")}
        </button>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: <search> is too new for some browsers this app supports */}
      <form role="search" class="global-search" aria-label={t("searchEverywhere")} onSubmit={(e) => e.preventDefault()}>
        <label for="global-search" class="visually-hidden">
          {t("searchEverywhere")}
        </label>
        <input
          id="global-search"
          type="search"
          value={query}
          placeholder={t("searchEverywhere")}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
      </form>
      {newChat && <NewChatSheet onClose={() => setNewChat(false)} />}
      {searching && <GlobalSearch query={query} selfId={selfId} />}
      {!searching && !loaded && <p class="muted">{t("loading")}</p>}
      {!searching && loaded && list.length === 0 && (
        <p class="muted">
          {t("noConversations")} <Link href="/contacts">{t("findFriends")}</Link>
          {t("toStartOne")}
        </p>
      )}
      {!searching && list.length > 0 && (
        <ul aria-label={t("conversations")} class="conversation-list" onKeyDown={rovingKeyDown}>
          {list.map((c, i) => (
            <Row
              key={c.id}
              c={c}
              selected={c.id === selectedId}
              tabbable={i === focusIndex}
              presence={c.peer ? state.presence.get(c.peer.id) : undefined}
            />
          ))}
        </ul>
      )}
    </Pane>
  );
}

interface RowProps {
  c: ConversationSummary;
  selected: boolean;
  tabbable: boolean;
  presence: PresenceInfo | undefined;
}

function Row({ c, selected, tabbable, presence }: RowProps) {
  const muted = isMuted(c);
  const mentions = c.unreadMentions ?? 0;
  return (
    <li data-conversation={c.id}>
      <Link href={chatPath(c.id)} current={selected} roving tabIndex={tabbable ? 0 : -1}>
        <Avatar who={c.peer ?? { id: c.id, displayName: summaryTitle(c) }} size="medium" />
        <span class="title">
          {presence && <PresenceDot status={presence.status} />}
          <bdi class="title-text" dir="auto">
            {summaryTitle(c)}
          </bdi>
          {c.pinned && (
            <span
              class="state-icon"
              data-testid="pinned"
              role="img"
              aria-label={t("pinnedChat")}
              title={t("pinnedChat")}
            >
              📌
            </span>
          )}
          {muted && (
            <span class="state-icon" data-testid="muted" role="img" aria-label={t("mutedChat")} title={t("mutedChat")}>
              🔕
            </span>
          )}
        </span>
        {(c.unread > 0 || mentions > 0) && (
          <span class="badges">
            {/* Its own badge, in colour even when muted: someone is calling you by name. */}
            {mentions > 0 && (
              <span class="badge mention-badge" data-testid="mentions" title={t("mentionsOfYou", { n: mentions })}>
                <span aria-hidden="true">@</span>
                <span class="visually-hidden">{t("mentionsOfYou", { n: mentions })}</span>
              </span>
            )}
            {c.unread > 0 && (
              <span class={muted ? "badge muted-badge" : "badge"} data-testid="unread">
                {c.unread}
                <span class="visually-hidden"> {t("unread")}</span>
              </span>
            )}
          </span>
        )}
        {c.lastMessage && (
          <span class="preview">
            <span class="preview-text" dir="auto">
              {c.lastMessage.preview || kindPreview(c.lastMessage.kind)}
            </span>{" "}
            <time dateTime={new Date(c.lastMessage.createdAt).toISOString()}>
              {formatTime(c.lastMessage.createdAt)}
            </time>
          </span>
        )}
      </Link>
    </li>
  );
}
