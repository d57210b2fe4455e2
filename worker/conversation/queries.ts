import { type ConversationEvent, ErrorCode, type LastMessage, type Message } from "../protocol";
import type { ConversationLog } from "./log";
import { type Refusal, refuse } from "./results";
import { SEARCH_WORDS_MAX } from "./store";

/** Exactly one of: `before` paging, a `[from, to)` range, or a search `q` (with optional `before`). */
export interface MessagesQuery {
  limit: number;
  before?: number;
  from?: number;
  to?: number;
  q?: string;
}

export interface EventsPage {
  ok: true;
  events: ConversationEvent[];
  head: number;
}

export interface MessagesPage {
  ok: true;
  messages: Message[];
  hasMore: boolean;
}

export interface Summary {
  ok: true;
  lastSeq: number;
  readSeq: number;
  unread: number;
  lastMessage?: LastMessage;
  updatedAt: number;
}

// Stored bodies were produced by JSON.stringify of a ConversationEvent in log.ts.
const parseEvent = (body: string) => JSON.parse(body) as ConversationEvent;

export function eventsPage(log: ConversationLog, userId: string, after: number, limit: number): EventsPage | Refusal {
  const denied = log.check(userId);
  if (denied) return denied;
  const events = log.store.eventsAfter(after, log.head, limit).map((e) => parseEvent(e.body));
  return { ok: true, events, head: log.head };
}

export function messagesPage(log: ConversationLog, userId: string, q: MessagesQuery): MessagesPage | Refusal {
  const denied = log.check(userId);
  if (denied) return denied;
  const n = q.limit + 1;
  let rows: Message[];
  if (q.q !== undefined) {
    const words = q.q.split(/\s+/).filter(Boolean);
    if (words.length === 0 || words.length > SEARCH_WORDS_MAX) {
      return refuse(ErrorCode.invalidRequest, `q needs 1 to ${SEARCH_WORDS_MAX} words`);
    }
    rows = log.store.searchMessages(words, q.before ?? Number.MAX_SAFE_INTEGER, n);
  } else if (q.from !== undefined) {
    rows = log.store.messagesBetween(q.from, q.to ?? Number.MAX_SAFE_INTEGER, n);
  } else {
    rows = log.store.messagesBefore(q.before ?? Number.MAX_SAFE_INTEGER, n);
  }
  return { ok: true, messages: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
}

export function summary(log: ConversationLog, userId: string): Summary | Refusal {
  const denied = log.check(userId);
  if (denied) return denied;
  const readSeq = log.store.getRead(userId);
  const last = log.store.lastMessage();
  const headEvent = log.store.eventsAfter(log.head - 1, log.head, 1)[0];
  const result: Summary = {
    ok: true,
    lastSeq: log.head,
    readSeq,
    unread: log.store.unreadCount(userId, readSeq),
    updatedAt: headEvent?.createdAt ?? log.meta?.createdAt ?? 0,
  };
  if (last) {
    result.lastMessage = {
      seq: last.seq,
      senderId: last.senderId,
      kind: last.kind,
      preview: last.deleted ? "" : [...(last.text ?? "")].slice(0, 100).join(""),
      createdAt: last.createdAt,
    };
  }
  return result;
}
