import { useMemo } from "preact/hooks";
import type { TimelineItem } from "../../chat/timeline";
import { t } from "../../i18n";
import { formatTime } from "../../ui/time";
import { Attachment } from "../media/Attachment";
import { kindLabel } from "../media/kindLabel";
import { MessageActions } from "./MessageActions";
import { Reactions } from "./Reactions";

export interface MessageHandlers {
  onReply(item: TimelineItem): void;
  onEdit(item: TimelineItem): void;
  onDelete(seq: number): void;
  onReact(seq: number, emoji: string, on: boolean): void;
  onJump(seq: number): void;
}

interface Props {
  item: TimelineItem;
  senderName: string;
  own: boolean;
  selfId: string;
  /** Admins and the owner may delete anyone's message. */
  moderator: boolean;
  /** The one message in the tab order (arrow keys move from there). */
  tabbable: boolean;
  highlighted: boolean;
  quote: { name: string; text: string } | null;
  seen: string | null;
  nameOf: (userId: string) => string;
  handlers: MessageHandlers;
}

// Text is rendered as a text node only: never as HTML.
export function MessageItem(props: Props) {
  const { item, senderName, own, selfId, moderator, tabbable, highlighted, quote, seen, nameOf, handlers } = props;
  const seq = item.seq;
  const mine = useMemo(
    () => new Set([...item.reactions].flatMap(([e, users]) => (users.includes(selfId) ? [e] : []))),
    [item.reactions, selfId],
  );
  const label = kindLabel(item.kind);
  return (
    <div
      class={`message${own ? " own" : ""} ${item.status}${highlighted ? " highlighted" : ""}`}
      data-message={seq ?? ""}
      tabIndex={tabbable ? 0 : -1}
    >
      <p class="meta">
        <bdi class="sender" dir="auto">
          {senderName}
        </bdi>{" "}
        <time dateTime={new Date(item.createdAt).toISOString()}>{formatTime(item.createdAt)}</time>
        {item.editedAt !== undefined && !item.deleted && <span>{t("edited")}</span>}
      </p>
      {item.replyTo !== undefined && (
        <button type="button" class="reply-quote" onClick={() => item.replyTo && handlers.onJump(item.replyTo)}>
          <span class="quote-who">{t("inReplyTo", { name: quote?.name ?? t("someone") })}</span>{" "}
          <span class="quote-text" dir="auto">
            {quote?.text ?? t("olderMessage")}
          </span>
        </button>
      )}
      {item.deleted ? (
        <p class="text muted">{t("messageDeleted")}</p>
      ) : (
        <>
          {item.file && <Attachment file={item.file} kind={item.kind} />}
          {item.text !== null && item.text !== "" && (
            <p class="text" dir="auto">
              {item.text}
            </p>
          )}
          {!item.file && label && <p class="text muted">{label}</p>}
        </>
      )}
      {!item.deleted && (
        <Reactions
          reactions={item.reactions}
          selfId={selfId}
          nameOf={nameOf}
          onToggle={(emoji, on) => seq !== null && handlers.onReact(seq, emoji, on)}
        />
      )}
      {seq !== null && !item.deleted && item.status === "sent" && (
        <MessageActions
          senderName={senderName}
          canEdit={own && item.kind === "text"}
          canDelete={own || moderator}
          mine={mine}
          onReply={() => handlers.onReply(item)}
          onEdit={() => handlers.onEdit(item)}
          onDelete={() => handlers.onDelete(seq)}
          onReact={(emoji, on) => handlers.onReact(seq, emoji, on)}
        />
      )}
      {item.status === "pending" && <p class="status">{t("sending")}</p>}
      {item.status === "failed" && <p class="status error">{t("notSent", { reason: item.failure ?? "" })}</p>}
      {seen && <p class="seen muted">{seen}</p>}
    </div>
  );
}
