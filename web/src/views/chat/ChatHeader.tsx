import { type MessageKey, t } from "../../i18n";
import type { ConnectionState } from "../../net/conversationSocket";

const LABELS: Record<ConnectionState, MessageKey> = {
  connecting: "connConnecting",
  live: "connLive",
  offline: "connOffline",
  forbidden: "connForbidden",
  unauthorized: "connUnauthorized",
  closed: "connClosed",
};

export function ChatHeader({ title, connection }: { title: string; connection: ConnectionState }) {
  const label = t(LABELS[connection]);
  return (
    <header class="chat-header">
      <h1>{title}</h1>
      <p class={`connection ${connection}`} role="status" aria-label={t("connection", { state: label })}>
        {label}
      </p>
    </header>
  );
}
