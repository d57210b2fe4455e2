import type { ConnectionState } from "../../net/conversationSocket";

const LABELS: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  live: "Live",
  offline: "Offline, reconnecting…",
  forbidden: "No longer a member",
  unauthorized: "Signed out",
  closed: "Closed",
};

export function ChatHeader({ title, connection }: { title: string; connection: ConnectionState }) {
  return (
    <header class="chat-header">
      <h1>{title}</h1>
      <p class={`connection ${connection}`} role="status" aria-label={`Connection: ${LABELS[connection]}`}>
        {LABELS[connection]}
      </p>
    </header>
  );
}
