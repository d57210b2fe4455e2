import { useEffect, useMemo, useRef } from "preact/hooks";
import type { User } from "../../../../worker/protocol";
import { clockTime, type Row } from "../../chat/flow";
import { linkify } from "../../chat/links";
import { mentionParts } from "../../chat/mentions";
import type { TimelineItem } from "../../chat/timeline";
import { getLang, t } from "../../i18n";
import { Avatar } from "../../ui/Avatar";
import { Attachment } from "../media/Attachment";
import { kindLabel } from "../media/kindLabel";
import { LinkCard } from "./LinkCard";
import type { MenuTarget } from "./MessageActions";
import { Reactions } from "./Reactions";
import { useGestures } from "./useGestures";

export type MemberName = (userId: string) => string | undefined;

export interface MessageHandlers {
  onReply(item: TimelineItem): void;
  onEdit(item: TimelineItem): void;
  onDelete(seq: number): void;
  onReact(seq: number, emoji: string, on: boolean): void;
  onForward(seq: number): void;
  onPin(seq: number, on: boolean): void;
  onJump(seq: number): void;
  /** Opens the floating actions menu for a message (null closes it). */
  onMenu(target: MenuTarget | null): void;
}

interface Props {
  item: TimelineItem;
  row: Row;
  senderName: string;
  /** Someone else in a group: their avatar goes beside the last message of each run. */
  sender?: User | undefined;
  own: boolean;
  /** Names are shown in groups only (a DM has one other person). */
  group: boolean;
  selfId: string;
  /** Admins and the owner may delete anyone's message. */
  moderator: boolean;
  /** The one message in the tab order (arrow keys move from there). */
  tabbable: boolean;
  highlighted: boolean;
  menuOpen: boolean;
  quote: { name: string; text: string } | null;
  seen: string | null;
  nameOf: (userId: string) => string;
  /** A member's current name, or undefined when this client does not know them (mentions fall back to their label). */
  memberName: MemberName;
  handlers: MessageHandlers;
  /** The conversation shown, which a forwarded file is read through. */
  conversationId: string;
  /** Watches the bubble for being on screen (read markers); returns the stop. */
  observe: (el: HTMLElement) => () => void;
}

type RichPiece =
  | { text: string; href?: string; userId?: undefined }
  | { text: string; userId: string; href?: undefined };

/** Mentions, then http(s) links in the rest (a token's label never becomes a link or a card). */
const richPieces = (text: string): RichPiece[] =>
  mentionParts(text).flatMap((p): RichPiece[] =>
    p.userId === undefined ? linkify(p.text) : [{ text: p.text, userId: p.userId }],
  );

/**
 * Text with mentions as the member's current name (the token's label when
 * the member is unknown here) and links as links; text nodes only, never HTML.
 */
function RichText({ pieces, selfId, memberName }: { pieces: RichPiece[]; selfId: string; memberName: MemberName }) {
  return (
    <>
      {pieces.map((p, i) =>
        p.userId !== undefined ? (
          <bdi key={i} class={p.userId === selfId ? "mention mention-me" : "mention"} dir="auto">
            @{memberName(p.userId) ?? p.text}
          </bdi>
        ) : p.href ? (
          <a key={i} href={p.href} target="_blank" rel="noopener noreferrer nofollow ugc">
            {p.text}
          </a>
        ) : (
          p.text
        ),
      )}
    </>
  );
}

export function MessageItem(props: Props) {
  const { item, row, senderName, own, group, selfId, moderator, tabbable, highlighted, quote, seen } = props;
  const { nameOf, handlers, observe } = props;
  const seq = item.seq;
  const bubble = useRef<HTMLDivElement>(null);
  const mine = useMemo(
    () => new Set([...item.reactions].flatMap(([e, users]) => (users.includes(selfId) ? [e] : []))),
    [item.reactions, selfId],
  );
  useEffect(() => (bubble.current && seq !== null ? observe(bubble.current) : undefined), [seq, observe]);
  const pieces = useMemo(() => (item.text ? richPieces(item.text) : []), [item.text]);
  const firstLink = pieces.find((p) => p.href)?.href;
  // Who the server says the message names (a token alone proves nothing: it may be a non-member's or stale).
  const mentionsMe = item.mentions?.includes(selfId) === true;

  // A message this build cannot read offers nothing to do with it (its content is unknown here).
  const actionable = seq !== null && !item.deleted && !item.unsupported && item.status === "sent";
  const openMenu = (returnFocus: HTMLElement | null) => {
    if (!actionable || !bubble.current) return;
    handlers.onMenu({
      seq,
      anchor: bubble.current,
      returnFocus,
      alignEnd: own,
      canEdit: own && item.kind === "text",
      canDelete: own || moderator,
      mine,
    });
  };
  const gestures = useGestures(
    () => openMenu(bubble.current),
    () => actionable && handlers.onReply(item),
  );
  const label = kindLabel(item.kind);
  const classes = [
    "message",
    own ? "own" : "",
    item.status,
    row.first ? "first" : "",
    row.last ? "last" : "",
    mentionsMe && !item.deleted ? "mentions-me" : "",
    group && !own ? "beside-avatar" : "",
  ];
  return (
    <>
      {row.day && (
        // biome-ignore lint/a11y/useSemanticElements: a separator that shows its label (an <hr> cannot hold text)
        <div class="day-separator" role="separator" aria-label={row.day}>
          <span class="day-label" aria-hidden="true">
            {row.day}
          </span>
        </div>
      )}
      {row.unreadStart && (
        // biome-ignore lint/a11y/useSemanticElements: as above
        <div class="unread-divider" role="separator" aria-label={t("newMessagesDivider")}>
          <span aria-hidden="true">{t("newMessagesDivider")}</span>
        </div>
      )}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the focusable message opens its actions from the keyboard and by touch */}
      <div
        ref={bubble}
        class={`${classes.filter(Boolean).join(" ")}${highlighted ? " highlighted" : ""}`}
        data-message={seq ?? ""}
        tabIndex={tabbable ? 0 : -1}
        onKeyDown={(e) => {
          if (e.target !== e.currentTarget) return;
          if (e.key === "ContextMenu" || (e.key === "F10" && e.shiftKey) || e.key === "Enter") {
            e.preventDefault();
            openMenu(e.currentTarget);
          }
        }}
        onContextMenu={(e) => {
          // Links, images and players keep the browser's own menu (copy link, save image).
          if (!actionable || (e.target instanceof Element && e.target.closest("a, img, audio, video"))) return;
          e.preventDefault();
          openMenu(bubble.current);
        }}
        {...gestures}
      >
        {group && !own && row.last && (
          <span class="message-avatar">
            <Avatar who={props.sender ?? { id: item.senderId, displayName: senderName }} size="small" />
          </span>
        )}
        {/* Shown once per run of messages; screen readers hear who and when on every one. */}
        <p class={row.first ? "meta" : "meta visually-hidden"}>
          <bdi class={group && !own ? "sender" : "sender visually-hidden"} dir="auto">
            {senderName}
          </bdi>{" "}
          <time dateTime={new Date(item.createdAt).toISOString()}>{clockTime(item.createdAt, getLang())}</time>
        </p>
        {item.replyTo !== undefined && (
          <button type="button" class="reply-quote" onClick={() => item.replyTo && handlers.onJump(item.replyTo)}>
            <span class="quote-who">{t("inReplyTo", { name: quote?.name ?? t("someone") })}</span>{" "}
            <span class="quote-text" dir="auto">
              {quote?.text ?? t("olderMessage")}
            </span>
          </button>
        )}
        {item.forwardedFrom && !item.deleted && (
          <p class="forwarded">
            {t("forwardedFrom")}{" "}
            <bdi class="forwarded-name" dir="auto">
              {item.forwardedFrom.name || t("someone")}
            </bdi>
          </p>
        )}
        {item.deleted ? (
          <p class="text muted">{t("messageDeleted")}</p>
        ) : item.unsupported ? (
          <p class="text muted">{t("messageUnsupported")}</p>
        ) : (
          <>
            {item.file && (
              <Attachment
                file={item.file}
                kind={item.kind}
                {...(item.forwardedFrom ? { via: props.conversationId } : {})}
              />
            )}
            {item.text !== null && item.text !== "" && (
              <p class="text" dir="auto">
                <RichText pieces={pieces} selfId={selfId} memberName={props.memberName} />
              </p>
            )}
            {firstLink && item.status === "sent" && <LinkCard url={firstLink} />}
            {!item.file && label && <p class="text muted">{label}</p>}
          </>
        )}
        {item.editedAt !== undefined && !item.deleted && <p class="edited muted">{t("edited")}</p>}
        {!item.deleted && (
          <Reactions
            reactions={item.reactions}
            selfId={selfId}
            nameOf={nameOf}
            onToggle={(emoji, on) => seq !== null && handlers.onReact(seq, emoji, on)}
          />
        )}
        {actionable && (
          <span class="message-actions">
            <button
              type="button"
              class="secondary small"
              aria-haspopup="true"
              aria-expanded={props.menuOpen}
              aria-label={t("actionsFor", { name: senderName })}
              title={t("actions")}
              onClick={(e) => (props.menuOpen ? handlers.onMenu(null) : openMenu(e.currentTarget))}
            >
              ⋯
            </button>
          </span>
        )}
        {item.status === "pending" && <p class="status">{t("sending")}</p>}
        {item.status === "failed" && <p class="status error">{t("notSent", { reason: item.failure ?? "" })}</p>}
        {seen && <p class="seen muted">{seen}</p>}
      </div>
    </>
  );
}
