import type { User } from "../../../../worker/protocol";
import { type MessageKey, t } from "../../i18n";
import type { ConnectionState } from "../../net/conversationSocket";
import { groupInfoPath } from "../../router";
import { Avatar } from "../../ui/Avatar";
import { Link } from "../../ui/Link";
import { ChatToggles } from "./ChatToggles";

const LABELS: Record<ConnectionState, MessageKey> = {
  connecting: "connConnecting",
  live: "connLive",
  offline: "connOffline",
  forbidden: "connForbidden",
  unauthorized: "connUnauthorized",
  closed: "connClosed",
};

interface Props {
  conversationId: string;
  title: string;
  /** Whose picture: a DM's other person, or the group itself (initials of its title). */
  pictured: Pick<User, "id" | "displayName" | "avatar">;
  connection: ConnectionState;
  /** Set for groups: links to the group's info page. */
  groupId: string | null;
  searching: boolean;
  onToggleSearch: () => void;
}

/** One compact row, as Telegram's: back to the list, the title with the connection under it, then the tools. */
export function ChatHeader(props: Props) {
  const { conversationId, title, pictured, connection, groupId, searching, onToggleSearch } = props;
  const label = t(LABELS[connection]);
  return (
    <header class="chat-header">
      <Link href="/" class="back">
        {t("allChats")}
      </Link>
      <Avatar who={pictured} size="small" />
      <div class="chat-title">
        <h1 dir="auto">{title}</h1>
        <p class={`connection ${connection}`} role="status" aria-label={t("connection", { state: label })}>
          {label}
        </p>
      </div>
      <p class="chat-tools">
        {groupId && <Link href={groupInfoPath(groupId)}>{t("groupInfo")}</Link>}
        <ChatToggles conversationId={conversationId} />
        <button
          type="button"
          class="secondary small search-toggle"
          aria-expanded={searching}
          aria-label={searching ? t("closeSearch") : t("search")}
          title={searching ? t("closeSearch") : t("search")}
          onClick={onToggleSearch}
        >
          <span aria-hidden="true">{searching ? "✕" : "🔍"}</span>
        </button>
      </p>
    </header>
  );
}
