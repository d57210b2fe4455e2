import type { TimelineItem } from "../../chat/timeline";
import { formatTime } from "../../ui/time";

interface Props {
  item: TimelineItem;
  senderName: string;
  own: boolean;
}

// Text is rendered as a text node only: never as HTML.
export function MessageItem({ item, senderName, own }: Props) {
  const reactions = Object.entries(item.reactions);
  return (
    <li class={`message${own ? " own" : ""} ${item.status}`}>
      <p class="meta">
        <span class="sender">{senderName}</span>{" "}
        <time dateTime={new Date(item.createdAt).toISOString()}>{formatTime(item.createdAt)}</time>
        {item.editedAt !== undefined && <span class="muted"> (edited)</span>}
      </p>
      {item.deleted ? (
        <p class="text muted">Message deleted</p>
      ) : item.kind === "text" || item.kind === "system" ? (
        <p class="text">{item.text}</p>
      ) : (
        <p class="text muted">[{item.kind}]</p>
      )}
      {reactions.length > 0 && (
        <p class="reactions">
          {reactions.map(([emoji, users]) => (
            <span key={emoji}>
              {emoji} {users.length}
            </span>
          ))}
        </p>
      )}
      {item.status === "pending" && <p class="status">Sending…</p>}
      {item.status === "failed" && <p class="status error">Not sent: {item.failure}</p>}
    </li>
  );
}
