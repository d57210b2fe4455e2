// Binds one conversation to Preact state: history over REST first, then the
// socket takes over from the highest loaded seq.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Conversation } from "../../../worker/protocol";
import { ApiFailure, describeError } from "../api/failure";
import { freshAccessToken, refreshSession } from "../api/refresh";
import { getConversation, listMessages } from "../api/resources";
import { t } from "../i18n";
import { type ConnectionState, ConversationSocket } from "../net/conversationSocket";
import { onWake } from "../net/wake";
import {
  loadConversation,
  loadMessages,
  loadOutbox,
  type OutboxEntry,
  queueOutbox,
  removeOutbox,
  saveConversation,
  saveMessages,
} from "../store/db";
import {
  addHistory,
  addPending,
  applyEvents,
  emptyTimeline,
  lastSeqOf,
  markAcked,
  markFailed,
  oldestSeqOf,
  type Timeline,
  type TimelineItem,
} from "./timeline";
import { useTyping } from "./useTyping";

export interface Chat {
  conversation: Conversation | null;
  timeline: Timeline;
  connection: ConnectionState;
  error: string | null;
  ready: boolean;
  loadingOlder: boolean;
  typingUserIds: string[];
  send(text: string): void;
  typing(): void;
  loadOlder(): void;
}

export const socketUrl = (conversationId: string) =>
  `${location.origin.replace(/^http/, "ws")}/api/conversations/${encodeURIComponent(conversationId)}/ws`;

const visible = () => document.visibilityState === "visible";

export function useChat(conversationId: string, selfId: string): Chat {
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [timeline, setTimeline] = useState<Timeline>(emptyTimeline);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const socketRef = useRef<ConversationSocket | null>(null);
  const { userIds: typingUserIds, seen: typingSeen, clear: typingClear, announce } = useTyping(socketRef);

  useEffect(() => {
    let cancelled = false;
    let socket: ConversationSocket | null = null;
    let readSent = 0;
    const markRead = () => {
      if (socket && visible() && socket.lastSeq > readSent && socket.state === "live") {
        readSent = socket.lastSeq;
        socket.markRead(readSent);
      }
    };
    setConversation(null);
    setTimeline(emptyTimeline);
    setConnection("connecting");
    setError(null);
    setReady(false);

    const startSocket = (lastSeq: number, queued: OutboxEntry[]) => {
      socket = new ConversationSocket({
        url: socketUrl(conversationId),
        lastSeq,
        getAccessToken: freshAccessToken,
        refreshAccessToken: refreshSession,
        listener: {
          onState: (state) => {
            setConnection(state);
            if (state === "forbidden") setError(t("notMember"));
          },
          onWelcome: () => markRead(),
          onEvents: (events) => {
            setTimeline((tl) => applyEvents(tl, events));
            typingClear(events.map((e) => e.senderId));
            markRead();
          },
          onAck: (clientId, seq, createdAt) => {
            void removeOutbox(clientId);
            setTimeline((tl) => markAcked(tl, selfId, clientId, seq, createdAt));
          },
          onRejected: (clientId, _code, message) => {
            void removeOutbox(clientId);
            setTimeline((tl) => markFailed(tl, selfId, clientId, message));
          },
          onTyping: (userId) => {
            if (userId !== selfId) typingSeen(userId);
          },
          onError: (code, message) => console.warn(`conversation socket refused a frame: ${code}: ${message}`),
        },
      });
      // Written before a reload or while offline: resent with the same clientId, the server dedupes.
      for (const entry of queued) socket.send(entry.frame);
      socketRef.current = socket;
      socket.start();
      setReady(true);
    };

    const refused = (err: unknown) =>
      err instanceof ApiFailure && (err.status === 403 || err.status === 404) ? t("noSuchConversation") : null;

    // Cache first (instant, and offline), then the network.
    const open = async () => {
      const [cachedConv, cachedItems, queued] = await Promise.all([
        loadConversation(conversationId),
        loadMessages(conversationId),
        loadOutbox(conversationId),
      ]);
      if (cancelled) return;
      let start: Timeline = { items: cachedItems, hasMore: (cachedItems[0]?.seq ?? 1) > 1 };
      for (const q of queued) {
        if (q.frame.type === "send") start = addPending(start, q.clientId, selfId, q.frame.text ?? "", q.queuedAt);
      }
      setTimeline(start);
      if (cachedConv) setConversation(cachedConv);

      const details = getConversation(conversationId).then((conv) => {
        if (cancelled) return;
        setConversation(conv);
        void saveConversation(conv);
      });
      if (cachedItems.length > 0) {
        // The socket replays everything after the cached head.
        startSocket(lastSeqOf(start), queued);
        details.catch((err: unknown) => {
          const text = refused(err);
          if (!cancelled && text) setError(text);
        });
        return;
      }
      try {
        const page = await listMessages(conversationId);
        await details;
        if (cancelled) return;
        const history = addHistory(start, page.messages, page.hasMore);
        setTimeline(history);
        startSocket(lastSeqOf(history), queued);
      } catch (err) {
        if (cancelled) return;
        const text = refused(err);
        if (text) {
          setError(text);
          setConnection("offline");
          return;
        }
        // Offline with nothing cached: the socket fetches the whole log once it connects.
        startSocket(0, queued);
      }
    };
    open().catch((err: unknown) => {
      if (cancelled) return;
      setError(describeError(err));
      setConnection("offline");
    });

    const stopWake = onWake(() => {
      socket?.reconnectNow();
      markRead();
    });
    return () => {
      cancelled = true;
      stopWake();
      socket?.stop();
      socketRef.current = null;
    };
  }, [conversationId, selfId, typingSeen, typingClear]);

  const send = useCallback(
    (text: string) => {
      const socket = socketRef.current;
      if (!socket) return;
      const clientId = crypto.randomUUID();
      const frame = { type: "send", clientId, kind: "text", text } as const;
      void queueOutbox({ clientId, conversationId, frame, queuedAt: Date.now() });
      socket.send(frame);
      setTimeline((tl) => addPending(tl, clientId, selfId, text, Date.now()));
    },
    [selfId, conversationId],
  );

  // Keep the newest messages for the next start (debounced: bursts write once).
  const unsaved = useRef<TimelineItem[] | null>(null);
  useEffect(() => {
    if (timeline.items.length === 0) return;
    unsaved.current = timeline.items;
    const timer = setTimeout(() => {
      unsaved.current = null;
      void saveMessages(conversationId, timeline.items);
    }, 400);
    return () => clearTimeout(timer);
  }, [conversationId, timeline]);
  useEffect(
    () => () => {
      // Leaving the chat: write what the debounce was still holding.
      if (unsaved.current) void saveMessages(conversationId, unsaved.current);
      unsaved.current = null;
    },
    [conversationId],
  );

  const loadOlder = useCallback(() => {
    const before = oldestSeqOf(timeline);
    if (before === undefined || loadingOlder) return;
    setLoadingOlder(true);
    listMessages(conversationId, before)
      .then(
        (page) => setTimeline((t) => addHistory(t, page.messages, page.hasMore)),
        (err: unknown) => setError(describeError(err)),
      )
      .finally(() => setLoadingOlder(false));
  }, [conversationId, timeline, loadingOlder]);

  return {
    conversation,
    timeline,
    connection,
    error,
    ready,
    loadingOlder,
    typingUserIds,
    send,
    typing: announce,
    loadOlder,
  };
}
