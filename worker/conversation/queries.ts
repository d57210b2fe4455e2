import {
  type ConversationEvent,
  type ConversationSummary,
  ErrorCode,
  type LastMessage,
  type Message,
  type User,
} from "../protocol";
import { plainMentions } from "../shared/mentions";
import type { ConversationNote } from "../shared/note";
import { matchQuery } from "./cjk";
import type { ConversationLog } from "./log";
import { type Refusal, refuse } from "./results";
import { type MentionCount, SEARCH_WORDS_MAX } from "./store";

const NONE: MentionCount = { count: 0, last: 0 };

/**
 * Exactly one of: `before` paging, a `[from, to)` range (with optional `after`,
 * the seq of the last message of the previous page, whose createdAt is `from`),
 * or a search `q` (with optional `before`).
 */
export interface MessagesQuery {
  limit: number;
  before?: number;
  from?: number;
  to?: number;
  after?: number;
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
  unreadMentions?: number;
  lastMentionSeq?: number;
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
    if (matchQuery(words) === null) return refuse(ErrorCode.invalidRequest, "q has no searchable words");
    rows = log.store.searchMessages(words, q.before ?? Number.MAX_SAFE_INTEGER, n);
  } else if (q.from !== undefined) {
    // Without a cursor the whole `from` millisecond is in range: afterSeq 0 is below every seq.
    rows = log.store.messagesBetween(q.from, q.to ?? Number.MAX_SAFE_INTEGER, q.after ?? 0, n);
  } else {
    rows = log.store.messagesBefore(q.before ?? Number.MAX_SAFE_INTEGER, n);
  }
  return { ok: true, messages: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
}

function lastMessageOf(log: ConversationLog): LastMessage | undefined {
  const last = log.store.lastMessage();
  if (!last) return undefined;
  return {
    seq: last.seq,
    senderId: last.senderId,
    kind: last.kind,
    // Tokens read as `@label`: a preview (and the push made from it) has no member list to look ids up in.
    preview: last.deleted ? "" : [...plainMentions(last.text ?? "")].slice(0, 100).join(""),
    createdAt: last.createdAt,
  };
}

/** The summary's mention fields: present only while some are unread. */
function mentionFields(m: MentionCount): Pick<ConversationSummary, "unreadMentions" | "lastMentionSeq"> {
  return m.count > 0 ? { unreadMentions: m.count, lastMentionSeq: m.last } : {};
}

function updatedAtOf(log: ConversationLog): number {
  return log.store.getEvent(log.head)?.createdAt ?? log.meta?.createdAt ?? 0;
}

export function summary(log: ConversationLog, userId: string): Summary | Refusal {
  const denied = log.check(userId);
  if (denied) return denied;
  const readSeq = log.store.getRead(userId);
  const result: Summary = {
    ok: true,
    lastSeq: log.head,
    readSeq,
    unread: log.store.unreadCount(userId, readSeq),
    ...mentionFields(log.store.unreadMentions(userId, readSeq)),
    updatedAt: updatedAtOf(log),
  };
  const lastMessage = lastMessageOf(log);
  if (lastMessage) result.lastMessage = lastMessage;
  return result;
}

/**
 * What each of `userIds` inbox must hear now: the full summary for members,
 * a removal for anyone else. The parts every member shares are read once.
 * `peers` maps user ids to users for a DM's `peer`.
 */
export function inboxNotes(
  log: ConversationLog,
  userIds: Iterable<string>,
  peers: ReadonlyMap<string, User>,
): Map<string, ConversationNote> {
  const out = new Map<string, ConversationNote>();
  const meta = log.meta;
  if (!meta) return out;
  const lastMessage = lastMessageOf(log);
  const updatedAt = updatedAtOf(log);
  const ids = [...userIds];
  // A chunk that is most of the group reads all markers (and all unread mentions) at once; a smaller
  // one (a read, one chunk of a big group's flush) looks each up, so a flush reads O(members) rows,
  // not O(members²/chunk).
  const whole = ids.length > 8 && ids.length * 2 >= log.members.size;
  const reads = whole ? log.store.readMarkers() : null;
  const mentions = whole ? log.store.unreadMentionsAll() : null;
  for (const userId of ids) {
    const readSeq = reads ? (reads.get(userId) ?? 0) : log.store.getRead(userId);
    const version = log.head + readSeq;
    const role = log.members.get(userId);
    if (!role) {
      out.set(userId, { conversationId: meta.id, version, removed: true });
      continue;
    }
    const s: ConversationSummary = {
      id: meta.id,
      kind: meta.kind,
      title: meta.title,
      memberCount: log.members.size,
      role,
      lastSeq: log.head,
      readSeq,
      unread: log.store.unreadCount(userId, readSeq),
      ...mentionFields(mentions ? (mentions.get(userId) ?? NONE) : log.store.unreadMentions(userId, readSeq)),
      updatedAt,
    };
    if (meta.kind === "dm") {
      const peerId = [...log.members.keys()].find((id) => id !== userId);
      const peer = peerId === undefined ? undefined : peers.get(peerId);
      if (peer) s.peer = peer;
    }
    if (lastMessage) s.lastMessage = lastMessage;
    out.set(userId, { conversationId: meta.id, version, summary: s });
  }
  return out;
}
