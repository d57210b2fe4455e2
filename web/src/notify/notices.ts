// In-app notices for messages in other conversations and for friend
// requests, the system notification when the tab is hidden, and the
// installed app's badge and the tab title.
import type { ConversationSummary, FriendRequest } from "../../../worker/protocol";
import { t } from "../i18n";
import { chatPath, navigate } from "../router";
import { createStore } from "../ui/store";

export interface Notice {
  id: string;
  /** Where "Open" leads. */
  path: string;
  title: string;
  body: string;
  /** For a message notice: its conversation and the message it shows (a later delete or edit must reach it). */
  conversationId?: string;
  seq?: number;
}

export const notices = createStore<Notice[]>([]);
/** Short: a notice is a hint, the list's badge is the record. */
const NOTICE_MS = 5_000;

export const summaryTitle = (c: Pick<ConversationSummary, "title" | "peer">) =>
  c.title ?? c.peer?.displayName ?? t("conversation");

export function dismissNotice(id: string): void {
  notices.set((list) => list.filter((n) => n.id !== id));
}

/** Drops a conversation's notice (it was opened). */
export function dismissConversationNotices(conversationId: string): void {
  notices.set((list) => list.filter((n) => n.conversationId !== conversationId));
}

function show(notice: Notice, replaces: (n: Notice) => boolean): void {
  notices.set((list) => [...list.filter((n) => !replaces(n)), notice]);
  setTimeout(() => dismissNotice(notice.id), NOTICE_MS);
}

export function notify(c: ConversationSummary): void {
  const title = summaryTitle(c);
  const body = c.lastMessage?.preview ?? "";
  if (document.visibilityState === "hidden") {
    showSystemNotification(c.id, title, body, chatPath(c.id));
    return;
  }
  const seq = c.lastMessage?.seq ?? c.lastSeq;
  // One notice per conversation: the newest replaces the older.
  show(
    { id: `${c.id}:${seq}`, path: chatPath(c.id), title, body, conversationId: c.id, seq },
    (n) => n.conversationId === c.id,
  );
}

/**
 * A newer summary of a conversation with a notice on screen: an edit of the
 * noticed message updates its text; a delete (the preview is now another
 * message) or a read elsewhere (nothing unread) takes the notice away, so it
 * never keeps deleted text.
 */
export function reconcileNotice(c: ConversationSummary): void {
  notices.set((list) => {
    const mine = list.find((n) => n.conversationId === c.id);
    if (!mine) return list;
    const last = c.lastMessage;
    if (c.unread === 0 || !last || last.seq !== mine.seq) return list.filter((n) => n !== mine);
    const body = last.preview;
    return body === mine.body ? list : list.map((n) => (n === mine ? { ...n, body } : n));
  });
}

export function notifyFriendRequest(request: FriendRequest): void {
  const title = t("friendRequestFrom", { name: request.from.displayName });
  const body = request.message;
  if (document.visibilityState === "hidden") {
    showSystemNotification(`request:${request.id}`, title, body, "/contacts");
    return;
  }
  show({ id: `request:${request.id}`, path: "/contacts", title, body }, (n) => n.id === `request:${request.id}`);
}

export function openNotice(n: Notice): void {
  dismissNotice(n.id);
  navigate(n.path);
}

function showSystemNotification(tag: string, title: string, body: string, path: string): void {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  const n = new Notification(title, { body, tag });
  n.onclick = () => {
    window.focus();
    navigate(path);
    n.close();
  };
}

/** Total unread on the installed app's icon, where the platform has badges, and in the tab title. */
export function setBadge(count: number): void {
  document.title = count > 0 ? `(${count}) ${t("appName")}` : t("appName");
  if (!("setAppBadge" in navigator)) return;
  const done = count > 0 ? navigator.setAppBadge(count) : navigator.clearAppBadge();
  done.catch(() => {
    // not installed, or badges disallowed: nothing to show
  });
}
