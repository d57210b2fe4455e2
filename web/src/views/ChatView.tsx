import { useCallback } from "preact/hooks";
import type { Conversation } from "../../../worker/protocol";
import { useChat } from "../chat/useChat";
import { t } from "../i18n";
import { ErrorMessage } from "../ui/ErrorMessage";
import { Link } from "../ui/Link";
import { ChatHeader } from "./chat/ChatHeader";
import { Composer } from "./chat/Composer";
import { MessageList } from "./chat/MessageList";

function titleOf(conversation: Conversation | null, selfId: string): string {
  if (!conversation) return t("conversation");
  if (conversation.title) return conversation.title;
  const others = (conversation.members ?? []).filter((m) => m.user.id !== selfId);
  return others.map((m) => m.user.displayName).join(", ") || t("conversation");
}

export function ChatView({ conversationId, selfId }: { conversationId: string; selfId: string }) {
  const chat = useChat(conversationId, selfId);
  const members = chat.conversation?.members;
  const nameOf = useCallback(
    (userId: string) => members?.find((m) => m.user.id === userId)?.user.displayName ?? t("someone"),
    [members],
  );
  const typingNames = chat.typingUserIds.map(nameOf);
  const closed = chat.connection === "forbidden" || chat.connection === "unauthorized";

  return (
    <main class="chat">
      <p class="back">
        <Link href="/">{t("allChats")}</Link>
      </p>
      <ChatHeader title={titleOf(chat.conversation, selfId)} connection={chat.connection} />
      <ErrorMessage text={chat.error} />
      <MessageList
        timeline={chat.timeline}
        selfId={selfId}
        nameOf={nameOf}
        loadingOlder={chat.loadingOlder}
        onLoadOlder={chat.loadOlder}
      />
      <p class="typing muted" aria-live="polite">
        {typingNames.length > 0
          ? t(typingNames.length > 1 ? "areTyping" : "isTyping", { names: typingNames.join(", ") })
          : ""}
      </p>
      <Composer disabled={!chat.ready || closed} onSend={chat.send} onTyping={chat.typing} />
    </main>
  );
}
