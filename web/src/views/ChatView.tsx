import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Conversation } from "../../../worker/protocol";
import type { TimelineItem } from "../chat/timeline";
import { useChat } from "../chat/useChat";
import { t } from "../i18n";
import { inbox } from "../inbox/inboxStore";
import { ErrorMessage } from "../ui/ErrorMessage";
import { lazy } from "../ui/lazy";
import { useStore } from "../ui/store";
import { startUpload } from "../upload/manager";
import { defaultName } from "../upload/plan";
import { ChatHeader } from "./chat/ChatHeader";
import { Composer, type ComposerMode } from "./chat/Composer";
import { JumpToDate } from "./chat/JumpToDate";
import type { MessageHandlers } from "./chat/MessageItem";
import { MessageList } from "./chat/MessageList";
import { PinnedBar } from "./chat/PinnedBar";
import { quoteOf } from "./chat/quote";
import { SearchPanel } from "./chat/SearchPanel";
import { UploadList } from "./chat/UploadList";

// The picker has its own chunk: most chats never forward anything.
const ForwardDialog = lazy(() => import("./chat/ForwardDialog").then((m) => m.ForwardDialog));
/** Who the header shows a picture of: a DM's other person, else the conversation (initials of its title). */
function picturedOf(conversation: Conversation | null, id: string, selfId: string, title: string) {
  const peer = conversation?.kind === "dm" ? conversation.members?.find((m) => m.user.id !== selfId)?.user : undefined;
  return peer ?? { id, displayName: title };
}

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
  /** The message being forwarded (the picker is open). */
  const [forwarding, setForwarding] = useState<number | null>(null);
  const members = chat.conversation?.members;
  // Current names and profiles: mentions carry ids, so a rename shows everywhere at once.
  const users = useMemo(() => new Map((members ?? []).map((m) => [m.user.id, m.user])), [members]);
  const userOf = useCallback((userId: string) => users.get(userId), [users]);
  const memberName = useCallback((userId: string) => users.get(userId)?.displayName, [users]);
  const nameOf = useCallback((userId: string) => users.get(userId)?.displayName ?? t("someone"), [users]);
  // Whom an `@` may name: everyone listed but the writer (a large group lists its first page).
  const mentionable = useMemo(
    () => (members ?? []).filter((m) => m.user.id !== selfId).map((m) => m.user),
    [members, selfId],
  );
  const summaries = useStore(inbox).conversations;
  // A large group's details list only the first page of members; the inbox summary knows the viewer's role.
  const myRole =
    members?.find((m) => m.user.id === selfId)?.role ?? summaries.find((c) => c.id === conversationId)?.role;
  const group = chat.conversation?.kind === "group";
  const typingNames = chat.typingUserIds.map(nameOf);
  const title = titleOf(chat.conversation, selfId);
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
        item.seq !== null && setMode({ kind: "reply", seq: item.seq, ...quoteOf(item, selfId, nameOf, memberName) }),
      onEdit: (item: TimelineItem) =>
        item.seq !== null && setMode({ kind: "edit", seq: item.seq, text: item.text ?? "" }),
      onDelete: chat.remove,
      onReact: chat.react,
      onForward: setForwarding,
      onPin: chat.pin,
      onJump: (seq: number) => void chat.jumpTo(seq),
    }),
    [selfId, nameOf, memberName, chat.remove, chat.react, chat.pin, chat.jumpTo],
  );
  const pinnedSeqs = useMemo(() => new Set(chat.pins.map((p) => p.seq)), [chat.pins]);
  // Pins are the admins' in a group, either member's in a DM (the server's rule).
  const canPin = !closed && (!group || myRole === "owner" || myRole === "admin");

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
        title={title}
        pictured={picturedOf(chat.conversation, conversationId, selfId, title)}
        connection={chat.connection}
        groupId={group ? conversationId : null}
        searching={searching}
        onToggleSearch={() => setSearching((s) => !s)}
      />
      {searching && (
        <div class="history-tools">
          <SearchPanel
            conversationId={conversationId}
            nameOf={nameOf}
            memberName={memberName}
            onPick={(seq) => void chat.jumpTo(seq)}
          />
          <JumpToDate onJump={chat.jumpToDay} />
        </div>
      )}
      <PinnedBar
        conversationId={conversationId}
        pins={chat.pins}
        items={chat.timeline.items}
        onJump={(seq) => void chat.jumpTo(seq)}
      />
      <ErrorMessage text={chat.error} />
      <MessageList
        timeline={chat.timeline}
        selfId={selfId}
        nameOf={nameOf}
        memberName={memberName}
        userOf={userOf}
        loadingOlder={chat.loadingOlder}
        onLoadOlder={chat.loadOlder}
        moderator={myRole === "owner" || myRole === "admin"}
        group={group}
        markers={chat.markers}
        readCounts={chat.readCounts}
        ownRead={chat.ownRead}
        focus={chat.focus}
        detached={chat.detached}
        onBackToLatest={chat.backToLatest}
        handlers={handlers}
        conversationId={conversationId}
        pinned={pinnedSeqs}
        canPin={canPin}
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
      {forwarding !== null && (
        <ForwardDialog from={{ conversationId, seq: forwarding }} onClose={() => setForwarding(null)} />
      )}
      <Composer
        draftKey={conversationId}
        members={mentionable}
        memberName={memberName}
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
