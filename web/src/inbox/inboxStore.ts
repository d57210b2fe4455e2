// The signed-in user's inbox for the whole app: renders from the IndexedDB
// cache first, then REST, then the inbox socket keeps it live. One instance
// per session (started by the app shell, stopped on sign-out).
import { freshAccessToken, refreshSession } from "../api/refresh";
import { listConversations, listFriendRequests } from "../api/resources";
import { InboxSocket } from "../net/inboxSocket";
import type { ConnectionState } from "../net/reconnectingSocket";
import { wsUrl } from "../net/socketFactory";
import { onWake } from "../net/wake";
import { dismissConversationNotices, notify, notifyFriendRequest, reconcileNotice, setBadge } from "../notify/notices";
import { loadSummaries, saveSummaries } from "../store/db";
import { createStore } from "../ui/store";
import {
  applyInboxFrame,
  emptyInbox,
  type InboxFrame,
  type InboxState,
  markSeen,
  noticeFor,
  totalUnread,
  withConversations,
} from "./inboxState";

export const inbox = createStore<InboxState>(emptyInbox);
export const inboxConnection = createStore<ConnectionState>("closed");
/** Whether the list has been filled from anywhere yet (cache, REST or socket). */
export const inboxLoaded = createStore(false);
/** Friend requests waiting for this user's answer: the Contacts link's badge. */
export const incomingRequests = createStore(0);

let openConversationId: string | null = null;
let session: { stop(): void } | null = null;

/** The chat being looked at: no notices for it, and its badge clears. */
export function setOpenConversation(id: string | null): void {
  openConversationId = id;
  if (id === null) return;
  inbox.set((s) => markSeen(s, id));
  dismissConversationNotices(id);
}

/** Recounts the requests waiting for an answer (the server's list, so a reload or another tab agrees). */
export function reloadRequests(): void {
  listFriendRequests().then(
    (r) => incomingRequests.set(r.incoming.length),
    () => {
      // offline: the last count stays
    },
  );
}

export function startInbox(selfId: string): void {
  if (session) return;
  let stopped = false;
  const persist = (s: InboxState) => void saveSummaries(s.conversations);

  void loadSummaries().then((cached) => {
    if (stopped || inboxLoaded.get() || cached.length === 0) return;
    inbox.set((s) => withConversations(s, cached));
    inboxLoaded.set(true);
  });

  // REST until the socket's welcome, and when the socket is not available.
  const reload = () => {
    listConversations().then(
      (list) => {
        if (stopped) return;
        const seen = openConversationId;
        inbox.set((s) => {
          const next = withConversations(s, list);
          return seen ? markSeen(next, seen) : next;
        });
        inboxLoaded.set(true);
        persist(inbox.get());
      },
      () => {
        // offline: the cache stays on screen
      },
    );
  };
  reload();
  reloadRequests();

  const onFrame = (frame: InboxFrame) => {
    const before = inbox.get();
    let next = applyInboxFrame(before, frame);
    if (frame.type === "conversation") {
      reconcileNotice(frame.conversation);
      if (noticeFor(before, frame.conversation, selfId, openConversationId)) notify(frame.conversation);
    }
    if (frame.type === "friend_request" && frame.request.to.id === selfId) notifyFriendRequest(frame.request);
    // Every contacts change (and the welcome after a reconnect) can change what waits for an answer.
    if (next.contactsVersion !== before.contactsVersion) reloadRequests();
    if (openConversationId !== null) next = markSeen(next, openConversationId);
    inbox.set(next);
    inboxLoaded.set(true);
    if (frame.type === "welcome" || frame.type === "conversation" || frame.type === "conversation_removed")
      persist(next);
  };

  const socket = new InboxSocket({
    url: wsUrl("/api/inbox/ws"),
    getAccessToken: freshAccessToken,
    refreshAccessToken: refreshSession,
    onFrame,
    onState: (state) => inboxConnection.set(state),
  });
  socket.start();
  const stopBadge = inbox.subscribe((s) => setBadge(totalUnread(s)));
  const stopWake = onWake(() => {
    socket.reconnectNow();
    if (socket.state !== "live") reload();
  });

  session = {
    stop: () => {
      stopped = true;
      socket.stop();
      stopBadge();
      stopWake();
      setBadge(0);
      incomingRequests.set(0);
      inbox.set(emptyInbox);
      inboxLoaded.set(false);
    },
  };
}

export function stopInbox(): void {
  session?.stop();
  session = null;
}
