import { type MessageKey, t } from "../../i18n";
import type { ConnectionState } from "../../net/conversationSocket";
import { groupInfoPath } from "../../router";
import { Link } from "../../ui/Link";

const LABELS: Record<ConnectionState, MessageKey> = {
  connecting: "connConnecting",
  live: "connLive",
  offline: "connOffline",
  forbidden: "connForbidden",
  unauthorized: "connUnauthorized",
  closed: "connClosed",
};

interface Props {
  title: string;
  connection: ConnectionState;
  /** Set for groups: links to the group's info page. */
  groupId: string | null;
  searching: boolean;
  onToggleSearch: () => void;
}

export function ChatHeader({ title, connection, groupId, searching, onToggleSearch }: Props) {
  const label = t(LABELS[connection]);
  return (
    <header class="chat-header">
      <h1 dir="auto">{title}</h1>
      <p class={`connection ${connection}`} role="status" aria-label={t("connection", { state: label })}>
        {label}
      </p>
      <p class="chat-tools">
        {groupId && <Link href={groupInfoPath(groupId)}>{t("groupInfo")}</Link>}
        <button type="button" class="secondary small" aria-expanded={searching} onClick={onToggleSearch}>
          {searching ? t("closeSearch") : t("search")}
        </button>
      </p>
    </header>
  );
}
