// Binds one conversation to Preact state: history over REST first, then the
// socket takes over from the highest loaded seq.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Conversation } from "../../../worker/protocol";
import { ApiFailure, describeError } from "../api/failure";
import { freshAccessToken, refreshSession } from "../api/refresh";
import { getConversation, listMessages } from "../api/resources";
import { type ConnectionState, ConversationSocket } from "../net/conversationSocket";
import { onWake } from "../net/wake";
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

    const open = async () => {
      const [conv, page] = await Promise.all([getConversation(conversationId), listMessages(conversationId)]);
      if (cancelled) return;
      const history = addHistory(emptyTimeline, page.messages, page.hasMore);
      setConversation(conv);
      setTimeline(history);
      socket = new ConversationSocket({
        url: socketUrl(conversationId),
        lastSeq: lastSeqOf(history),
        getAccessToken: freshAccessToken,
        refreshAccessToken: refreshSession,
        listener: {
          onState: (state) => {
            setConnection(state);
            if (state === "forbidden") setError("You are no longer a member of this conversation.");
          },
          onWelcome: () => markRead(),
          onEvents: (events) => {
            setTimeline((t) => applyEvents(t, events));
            typingClear(events.map((e) => e.senderId));
            markRead();
          },
          onAck: (clientId, seq, createdAt) => setTimeline((t) => markAcked(t, selfId, clientId, seq, createdAt)),
          onRejected: (clientId, _code, message) => setTimeline((t) => markFailed(t, selfId, clientId, message)),
          onTyping: (userId) => {
            if (userId !== selfId) typingSeen(userId);
          },
          onError: (code, message) => console.warn(`conversation socket refused a frame: ${code}: ${message}`),
        },
      });
      socketRef.current = socket;
      socket.start();
      setReady(true);
    };
    open().catch((err: unknown) => {
      if (cancelled) return;
      setError(
        err instanceof ApiFailure && (err.status === 403 || err.status === 404)
          ? "This conversation does not exist or you are not a member."
          : describeError(err),
      );
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
      const clientId = socket.sendText(text);
      setTimeline((t) => addPending(t, clientId, selfId, text, Date.now()));
    },
    [selfId],
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
