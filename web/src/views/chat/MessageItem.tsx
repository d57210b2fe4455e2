import type { TimelineItem } from "../../chat/timeline";
import { t } from "../../i18n";
import { formatTime } from "../../ui/time";

interface Props {
  item: TimelineItem;
  senderName: string;
  own: boolean;
  /** The one message in the tab order (arrow keys move from there). */
  tabbable: boolean;
}

// Text is rendered as a text node only: never as HTML.
export function MessageItem({ item, senderName, own, tabbable }: Props) {
  const reactions = Object.entries(item.reactions);
  return (
    <div
      class={`message${own ? " own" : ""} ${item.status}`}
      data-message={item.seq ?? ""}
      tabIndex={tabbable ? 0 : -1}
    >
      <p class="meta">
        <span class="sender">{senderName}</span>{" "}
        <time dateTime={new Date(item.createdAt).toISOString()}>{formatTime(item.createdAt)}</time>
        {item.editedAt !== undefined && <span>{t("edited")}</span>}
      </p>
      {item.deleted ? (
        <p class="text muted">{t("messageDeleted")}</p>
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
      {item.status === "pending" && <p class="status">{t("sending")}</p>}
      {item.status === "failed" && <p class="status error">{t("notSent", { reason: item.failure ?? "" })}</p>}
    </div>
  );
}
