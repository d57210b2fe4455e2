// In-app notices for messages in other conversations, the system
// notification when the tab is hidden, and the installed app's badge.
import type { ConversationSummary } from "../../../worker/protocol";
import { t } from "../i18n";
import { chatPath, navigate } from "../router";
import { createStore } from "../ui/store";

export interface Notice {
  id: string;
  conversationId: string;
  title: string;
  body: string;
}

export const notices = createStore<Notice[]>([]);
const NOTICE_MS = 8_000;

export const summaryTitle = (c: Pick<ConversationSummary, "title" | "peer">) =>
  c.title ?? c.peer?.displayName ?? t("conversation");

export function dismissNotice(id: string): void {
  notices.set((list) => list.filter((n) => n.id !== id));
}

export function notify(c: ConversationSummary): void {
  const title = summaryTitle(c);
  const body = c.lastMessage?.preview ?? "";
  if (document.visibilityState === "hidden") {
    showSystemNotification(c.id, title, body);
    return;
  }
  const id = `${c.id}:${c.lastSeq}`;
  // One notice per conversation: the newest replaces the older.
  notices.set((list) => [...list.filter((n) => n.conversationId !== c.id), { id, conversationId: c.id, title, body }]);
  setTimeout(() => dismissNotice(id), NOTICE_MS);
}

function showSystemNotification(conversationId: string, title: string, body: string): void {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  const n = new Notification(title, { body, tag: conversationId });
  n.onclick = () => {
    window.focus();
    navigate(chatPath(conversationId));
    n.close();
  };
}

/** Total unread on the installed app's icon, where the platform has badges. */
export function setBadge(count: number): void {
  if (!("setAppBadge" in navigator)) return;
  const done = count > 0 ? navigator.setAppBadge(count) : navigator.clearAppBadge();
  done.catch(() => {
    // not installed, or badges disallowed: nothing to show
  });
}
