// Binds one conversation to Preact state: history over REST first, then the
// socket takes over from the highest loaded seq.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { ChangeFrame, Conversation, Pin, ReadCount } from "../../../worker/protocol";
import { ApiFailure, describeCode, describeError } from "../api/failure";
import { freshAccessToken, refreshSession } from "../api/refresh";
import { getConversation, listMessages } from "../api/resources";
import { t } from "../i18n";
import { type ConnectionState, ConversationSocket } from "../net/conversationSocket";
import { wsUrl } from "../net/socketFactory";
import { onWake } from "../net/wake";
import {
  loadConversation,
  loadMessages,
  loadOutbox,
  loadReceipts,
  type OutboxEntry,
  queueOutbox,
  removeOutbox,
  saveConversation,
  saveReceipts,
} from "../store/db";
import type { ClientEvent } from "../wire/events";
import { applyPinEvents } from "./pins";
import { type ReadMarkers, withReceipt } from "./receipts";
import {
  addHistory,
  addPending,
  applyEvents,
  emptyTimeline,
  lastSeqOf,
  markAcked,
  markFailed,
  type Timeline,
} from "./timeline";
import { useCacheWriter } from "./useCacheWriter";
import { type Jumps, useJumps } from "./useJumps";
import { useTyping } from "./useTyping";

export interface Chat extends Jumps {
  conversation: Conversation | null;
  connection: ConnectionState;
  error: string | null;
  ready: boolean;
  typingUserIds: string[];
  /** Other members' read positions, from receipts. */
  markers: ReadMarkers;
  /** A large group's receipts as counts (welcome, read_counts); null while receipts are per member. */
  readCounts: ReadCount[] | null;
  /** This user's own read marker as far as this client knows (any of its devices). */
  ownRead: number;
  /** This reader's read position when the chat opened: the "New messages" divider goes after it. */
  unreadAfter: number | null;
  /** The newest message this reader has had on screen (or read elsewhere). */
  seenUpTo: number;
  /** The list reports the newest message on screen while the page is visible; reading follows it. */
  reportVisible(seq: number): void;
  send(text: string, replyTo?: number): void;
  edit(target: number, text: string): void;
  remove(target: number): void;
  react(target: number, emoji: string, on: boolean): void;
  /** The pinned messages, oldest pin first (the welcome's, then every pin and delete). */
  pins: readonly Pin[];
  pin(target: number, on: boolean): void;
  typing(): void;
}

const visible = () => document.visibilityState === "visible";

export function useChat(conversationId: string, selfId: string): Chat {
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [timeline, setTimeline] = useState<Timeline>(emptyTimeline);
  // The jumps hook owns the window of older history; the socket folds events into it through this.
  const windowRef = useRef<((events: ClientEvent[]) => void) | null>(null);
  const [markers, setMarkers] = useState<ReadMarkers>(new Map());
  const [pins, setPins] = useState<readonly Pin[]>([]);
  const [readCounts, setReadCounts] = useState<ReadCount[] | null>(null);
  const [ownRead, setOwnRead] = useState(0);
  const [connection, setConnection] = useState<ConnectionState>("connecting");
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [unreadAfter, setUnreadAfter] = useState<number | null>(null);
  const [seenUpTo, setSeenUpTo] = useState(0);
  // Read markers follow what was on screen: never past the newest message the list saw.
  const seenRef = useRef(0);
  const markReadRef = useRef<() => void>(() => undefined);
  const socketRef = useRef<ConversationSocket | null>(null);
  const { userIds: typingUserIds, seen: typingSeen, clear: typingClear, announce } = useTyping(socketRef);
  const jumps = useJumps(conversationId, timeline, setTimeline, setError, windowRef);

  useEffect(() => {
    let cancelled = false;
    let socket: ConversationSocket | null = null;
    let readSent = 0;
    let welcomed = false;
    // My own marker, from my reads, my welcome and my other devices' receipts: "seen by" counts leave me out.
    let ownMarker = 0;
    const ownReadAt = (seq: number) => {
      if (seq <= ownMarker) return;
      ownMarker = seq;
      setOwnRead(seq);
    };
    const markRead = () => {
      const upTo = Math.min(seenRef.current, socket?.lastSeq ?? 0);
      if (socket && visible() && document.hasFocus() && upTo > readSent && socket.state === "live") {
        readSent = upTo;
        socket.markRead(readSent);
        ownReadAt(readSent);
      }
    };
    markReadRef.current = markRead;
    seenRef.current = 0;
    setSeenUpTo(0);
    setUnreadAfter(null);
    setConversation(null);
    setTimeline(emptyTimeline);
    setMarkers(new Map());
    setPins([]);
    setReadCounts(null);
    setOwnRead(0);
    setConnection("connecting");
    setError(null);
    setReady(false);
    const fetchDetails = () =>
      getConversation(conversationId).then((conv) => {
        if (cancelled) return;
        setConversation(conv);
        void saveConversation(conv);
      });
    // Other members' read positions; self is not shown a marker. This
    // conversation's markers change only here, so they are kept beside the
    // state and the cache write happens outside any state updater.
    let known: ReadMarkers = new Map();
    const showMarkers = (next: ReadMarkers) => {
      known = next;
      setMarkers(next);
    };
    const takeReceipts = (receipts: { userId: string; readSeq: number }[]) => {
      let next = known;
      for (const r of receipts) if (r.userId !== selfId) next = withReceipt(next, r.userId, r.readSeq);
      if (next === known) return;
      showMarkers(next);
      void saveReceipts(conversationId, next);
    };

    const startSocket = (lastSeq: number, queued: OutboxEntry[]) => {
      socket = new ConversationSocket({
        url: wsUrl(`/api/conversations/${encodeURIComponent(conversationId)}/ws`),
        lastSeq,
        getAccessToken: freshAccessToken,
        refreshAccessToken: refreshSession,
        listener: {
          onState: (state) => {
            setConnection(state);
            if (state === "forbidden") setError(t("notMember"));
          },
          onWelcome: (welcome) => {
            readSent = Math.max(readSent, welcome.readSeq);
            ownReadAt(welcome.readSeq);
            // A large group's welcome carries counts instead of others' markers (they are 0 there).
            setReadCounts(welcome.readCounts ?? null);
            if (welcome.readSeq > seenRef.current) {
              seenRef.current = welcome.readSeq;
              setSeenUpTo(welcome.readSeq);
            }
            // The divider stays where it was when the chat opened, across reconnects.
            if (!welcomed) setUnreadAfter(welcome.readSeq);
            welcomed = true;
            markRead();
            // Receipts are not replayed: the welcome's markers cover what was read while this client was away.
            takeReceipts(welcome.members);
            // The pins as of the head; replayed pin events after it change nothing they do not end with.
            setPins(welcome.pins);
          },
          onEvents: (events) => {
            setTimeline((tl) => applyEvents(tl, events));
            setPins((p) => applyPinEvents(p, events));
            windowRef.current?.(events);
            if (events.some((e) => e.type === "member")) fetchDetails().catch(() => undefined);
            typingClear(events.flatMap((e) => e.senderId ?? []));
            markRead();
          },
          onAck: (clientId, seq, createdAt) => {
            void removeOutbox(clientId);
            setTimeline((tl) => markAcked(tl, selfId, clientId, seq, createdAt));
          },
          onRejected: (clientId, code, _message, frame) => {
            void removeOutbox(clientId);
            // The server's message is English for developers; people get the code's words.
            const reason = describeCode(code);
            // A refused send stays in the list, marked; an edit, delete or reaction just did not happen.
            if (frame.type === "send") setTimeline((tl) => markFailed(tl, selfId, clientId, reason));
            else setError(reason);
          },
          onReceipt: (userId, readSeq) => {
            if (userId === selfId) ownReadAt(readSeq);
            else takeReceipts([{ userId, readSeq }]);
          },
          onReadCounts: (counts) => setReadCounts(counts),
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
      const [cachedConv, cached, queued, cachedMarkers] = await Promise.all([
        loadConversation(conversationId),
        loadMessages(conversationId),
        loadOutbox(conversationId),
        loadReceipts(conversationId),
      ]);
      if (cancelled) return;
      // Live receipts that came first win over the cache.
      showMarkers(new Map([...cachedMarkers, ...known]));
      const cachedItems = cached.items;
      // Seq 1 is always the conversation's creation, never a message: a cache
      // that does not say whether older messages exist can only guess from it.
      let start: Timeline = { items: cachedItems, hasMore: cached.hasMore ?? (cachedItems[0]?.seq ?? 1) > 2 };
      for (const q of queued) {
        if (q.frame.type === "send") {
          start = addPending(start, q.clientId, selfId, q.frame.text ?? "", q.queuedAt, q.frame.replyTo);
        }
      }
      setTimeline(start);
      if (cachedConv) setConversation(cachedConv);

      const details = fetchDetails();
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
    window.addEventListener("focus", markRead);
    return () => {
      cancelled = true;
      stopWake();
      window.removeEventListener("focus", markRead);
      socket?.stop();
      socketRef.current = null;
    };
  }, [conversationId, selfId, typingSeen, typingClear]);

  // Every change goes through the outbox, so a reload or a drop resends it; false when not started yet.
  const enqueue = useCallback(
    (frame: ChangeFrame, queuedAt: number): boolean => {
      const socket = socketRef.current;
      if (!socket) return false;
      void queueOutbox({ clientId: frame.clientId, conversationId, frame, queuedAt });
      socket.send(frame);
      return true;
    },
    [conversationId],
  );

  const send = useCallback(
    (text: string, replyTo?: number) => {
      const clientId = crypto.randomUUID();
      const now = Date.now();
      const frame: ChangeFrame = {
        type: "send",
        clientId,
        kind: "text",
        text,
        ...(replyTo === undefined ? {} : { replyTo }),
      };
      if (!enqueue(frame, now)) return;
      jumps.backToLatest(); // one's own message shows at the live end
      setTimeline((tl) => addPending(tl, clientId, selfId, text, now, replyTo));
    },
    [selfId, enqueue, jumps.backToLatest],
  );

  // Edits, deletes and reactions: their events fold into the list (a refusal is told apart by its frame's type).
  const change = useCallback((frame: ChangeFrame) => void enqueue(frame, Date.now()), [enqueue]);
  const edit = useCallback(
    (target: number, text: string) => change({ type: "edit", clientId: crypto.randomUUID(), target, text }),
    [change],
  );
  const remove = useCallback(
    (target: number) => change({ type: "delete", clientId: crypto.randomUUID(), target }),
    [change],
  );
  const react = useCallback(
    (target: number, emoji: string, on: boolean) =>
      change({ type: "react", clientId: crypto.randomUUID(), target, emoji, on }),
    [change],
  );

  const pin = useCallback(
    (target: number, on: boolean) => change({ type: "pin", clientId: crypto.randomUUID(), target, on }),
    [change],
  );

  useCacheWriter(conversationId, timeline);

  const reportVisible = useCallback((seq: number) => {
    if (seq <= seenRef.current) return;
    seenRef.current = seq;
    setSeenUpTo(seq);
    markReadRef.current();
  }, []);

  return {
    conversation,
    unreadAfter,
    seenUpTo,
    reportVisible,
    connection,
    error,
    ready,
    typingUserIds,
    markers,
    readCounts,
    ownRead,
    send,
    edit,
    remove,
    react,
    pins,
    pin,
    typing: announce,
    ...jumps,
  };
}
