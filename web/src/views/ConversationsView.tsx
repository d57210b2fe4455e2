import type { ConversationSummary } from "../../../worker/protocol";
import { listConversations } from "../api/resources";
import { chatPath } from "../router";
import { ErrorMessage } from "../ui/ErrorMessage";
import { Link } from "../ui/Link";
import { formatTime } from "../ui/time";
import { useLoad, useReloadOnFocus } from "../ui/useLoad";

export const conversationTitle = (c: Pick<ConversationSummary, "title" | "peer">) =>
  c.title ?? c.peer?.displayName ?? "Conversation";

export function ConversationsView() {
  const list = useLoad(listConversations, []);
  useReloadOnFocus(list.reload);

  return (
    <main class="conversations">
      <h1>Chats</h1>
      <ErrorMessage text={list.error} />
      {list.data?.length === 0 && (
        <p class="muted">
          No conversations yet. <Link href="/contacts">Find friends</Link> to start one.
        </p>
      )}
      {list.data && list.data.length > 0 && (
        <ul aria-label="Conversations" class="conversation-list">
          {list.data.map((c) => (
            <li key={c.id}>
              <Link href={chatPath(c.id)}>
                <span class="title">{conversationTitle(c)}</span>
                {c.unread > 0 && (
                  <span class="badge">
                    {c.unread}
                    <span class="visually-hidden"> unread</span>
                  </span>
                )}
                {c.lastMessage && (
                  <span class="preview">
                    {c.lastMessage.preview} <time>{formatTime(c.lastMessage.createdAt)}</time>
                  </span>
                )}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
