import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Conversation } from "../../../worker/protocol";
import type { TimelineItem } from "../chat/timeline";
import { useChat } from "../chat/useChat";
import { t } from "../i18n";
import { inbox } from "../inbox/inboxStore";
import { ErrorMessage } from "../ui/ErrorMessage";
import { useStore } from "../ui/store";
import { startUpload } from "../upload/manager";
import { defaultName } from "../upload/plan";
import { ChatHeader } from "./chat/ChatHeader";
import { Composer, type ComposerMode } from "./chat/Composer";
import { JumpToDate } from "./chat/JumpToDate";
import type { MessageHandlers } from "./chat/MessageItem";
import { MessageList } from "./chat/MessageList";
import { quoteOf } from "./chat/quote";
import { SearchPanel } from "./chat/SearchPanel";
import { UploadList } from "./chat/UploadList";

function titleOf(conversation: Conversation | null, selfId: string): string {
  if (!conversation) return t("conversation");
  if (conversation.title) return conversation.title;
  const others = (conversation.members ?? []).filter((m) => m.user.id !== selfId);
  return others.map((m) => m.user.displayName).join(", ") || t("conversation");
}

interface Props {
  conversationId: string;
  selfId: string;
  /** A message to open the chat at (a global search result). */
  at?: number | undefined;
}

export function ChatView({ conversationId, selfId, at }: Props) {
  const chat = useChat(conversationId, selfId);
  // Once the history is loaded, and again whenever another result in this chat is picked.
  const jumpTo = useRef(chat.jumpTo);
  jumpTo.current = chat.jumpTo;
  useEffect(() => {
    if (chat.ready && at !== undefined) void jumpTo.current(at);
  }, [chat.ready, at]);
  const [mode, setMode] = useState<ComposerMode | null>(null);
  const [searching, setSearching] = useState(false);
  const [dragging, setDragging] = useState(false);
  const members = chat.conversation?.members;
  const nameOf = useCallback(
    (userId: string) => members?.find((m) => m.user.id === userId)?.user.displayName ?? t("someone"),
    [members],
  );
  const summaries = useStore(inbox).conversations;
  // A large group's details list only the first page of members; the inbox summary knows the viewer's role.
  const myRole =
    members?.find((m) => m.user.id === selfId)?.role ?? summaries.find((c) => c.id === conversationId)?.role;
  const group = chat.conversation?.kind === "group";
  const typingNames = chat.typingUserIds.map(nameOf);
  const closed = chat.connection === "forbidden" || chat.connection === "unauthorized";
  const disabled = !chat.ready || closed;

  const replyTo = mode?.kind === "reply" ? mode.seq : undefined;
  // Files, pastes, drops and voice notes alike answer the message being replied to.
  const upload = useCallback(
    (files: Blob[], prefix?: "voice") => {
      for (const file of files) {
        const kind = prefix ?? (file.type.startsWith("image/") ? "image" : "file");
        const name = file instanceof File && file.name ? file.name : defaultName(kind, file.type, new Date());
        void startUpload(conversationId, file, name, replyTo === undefined ? {} : { replyTo });
      }
      if (replyTo !== undefined) setMode(null);
    },
    [conversationId, replyTo],
  );

  const handlers = useMemo<Omit<MessageHandlers, "onMenu">>(
    () => ({
      onReply: (item: TimelineItem) =>
        item.seq !== null && setMode({ kind: "reply", seq: item.seq, ...quoteOf(item, selfId, nameOf) }),
      onEdit: (item: TimelineItem) =>
        item.seq !== null && setMode({ kind: "edit", seq: item.seq, text: item.text ?? "" }),
      onDelete: chat.remove,
      onReact: chat.react,
      onJump: (seq: number) => void chat.jumpTo(seq),
    }),
    [selfId, nameOf, chat.remove, chat.react, chat.jumpTo],
  );

  return (
    <main
      class={`chat${dragging ? " dragging" : ""}`}
      onDragOver={(e) => {
        if (disabled || !e.dataTransfer?.types.includes("Files")) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={(e) => {
        setDragging(false);
        const files = [...(e.dataTransfer?.files ?? [])];
        if (disabled || files.length === 0) return;
        e.preventDefault();
        upload(files);
      }}
    >
      <ChatHeader
        conversationId={conversationId}
        title={titleOf(chat.conversation, selfId)}
        connection={chat.connection}
        groupId={group ? conversationId : null}
        searching={searching}
        onToggleSearch={() => setSearching((s) => !s)}
      />
      {searching && (
        <div class="history-tools">
          <SearchPanel conversationId={conversationId} nameOf={nameOf} onPick={(seq) => void chat.jumpTo(seq)} />
          <JumpToDate onJump={chat.jumpToDay} />
        </div>
      )}
      <ErrorMessage text={chat.error} />
      <MessageList
        timeline={chat.timeline}
        selfId={selfId}
        nameOf={nameOf}
        loadingOlder={chat.loadingOlder}
        onLoadOlder={chat.loadOlder}
        moderator={myRole === "owner" || myRole === "admin"}
        group={group}
        markers={chat.markers}
        focus={chat.focus}
        detached={chat.detached}
        onBackToLatest={chat.backToLatest}
        handlers={handlers}
        unreadAfter={chat.unreadAfter}
        seenUpTo={chat.seenUpTo}
        onVisible={chat.reportVisible}
      />
      <p class="typing muted" aria-live="polite">
        {typingNames.length > 0
          ? t(typingNames.length > 1 ? "areTyping" : "isTyping", { names: typingNames.join(", ") })
          : ""}
      </p>
      {dragging && (
        <p class="drop-hint" aria-hidden="true">
          {t("dropHere")}
        </p>
      )}
      <UploadList conversationId={conversationId} />
      <Composer
        draftKey={conversationId}
        disabled={disabled}
        mode={mode}
        onCancelMode={() => setMode(null)}
        onSend={(text) => {
          chat.send(text, replyTo);
          setMode(null);
        }}
        onEdit={(seq, text) => {
          chat.edit(seq, text);
          setMode(null);
        }}
        onTyping={chat.typing}
        onFiles={upload}
        onVoice={(blob) => upload([blob], "voice")}
      />
    </main>
  );
}
