// The queue message a conversation sends for its members' inboxes, and how
// the consumer turns it back into one ConversationNote per member. No
// cloudflare:* imports: the conversation (producer), the Worker (consumer)
// and plain-Node tests share it.
import type { ConversationSummary } from "../protocol";
import type { ConversationNote } from "./note";

/**
 * Members per queue message. 250 rows of ~100 bytes (id, version, role,
 * readSeq, unread) is ~25 KB, far under the 128 KB message limit with room
 * for more per-member fields; with the consumer's `max_batch_size = 4`
 * (wrangler.toml) one invocation makes at most 1,000 inbox calls, the
 * subrequest budget of a Workers Paid invocation (docs/scaling.md).
 */
export const MEMBERS_PER_MESSAGE = 250;

/**
 * Platform limits (developers.cloudflare.com/queues/platform/limits, 1 KB =
 * 1,000 bytes): 128 KB per message and 256 KB per `sendBatch`, each message
 * carrying up to ~100 bytes of metadata; 100 messages per `sendBatch`. The
 * byte budgets below keep a margin under them.
 */
export const QueueLimits = {
  messageBytes: 120_000,
  sendBatchBytes: 240_000,
  metadataBytes: 100,
  sendBatchMessages: 100,
} as const;

/** Summary fields that one message's rows share: read once per flush chunk, sent once per message. */
export type SharedPart = Pick<
  ConversationSummary,
  "id" | "kind" | "title" | "memberCount" | "lastSeq" | "lastMessage" | "updatedAt"
>;
/**
 * Everything else is per member (role, readSeq, unread, a DM's peer, and any
 * field added to the summary later, such as a mention count): a new field
 * rides along per member without a change here.
 */
export type MemberPart = Omit<ConversationSummary, keyof SharedPart>;

export type MemberRow =
  | { userId: string; version: number; member: MemberPart }
  | { userId: string; version: number; removed: true };

export interface FanoutMessage {
  /** Format version: a consumer acks and counts a body it does not know instead of retrying it forever. */
  v: 1;
  conversationId: string;
  /** Null when every row is a removal. */
  shared: SharedPart | null;
  rows: MemberRow[];
}

/** One message for these notes (all of one conversation, built in one synchronous step). */
export function packNotes(conversationId: string, notes: Iterable<[string, ConversationNote]>): FanoutMessage {
  let shared: SharedPart | null = null;
  const rows: MemberRow[] = [];
  for (const [userId, note] of notes) {
    if (!("summary" in note)) {
      rows.push({ userId, version: note.version, removed: true });
      continue;
    }
    const { id, kind, title, memberCount, lastSeq, lastMessage, updatedAt, ...member } = note.summary;
    if (!shared) {
      shared = { id, kind, title, memberCount, lastSeq, updatedAt };
      if (lastMessage) shared.lastMessage = lastMessage;
    }
    rows.push({ userId, version: note.version, member });
  }
  return { v: 1, conversationId, shared, rows };
}

/** Each row's note; the message itself came from `packNotes` through the queue. */
export function unpackNotes(message: FanoutMessage): [string, ConversationNote][] {
  const { conversationId, shared } = message;
  return message.rows.map((row): [string, ConversationNote] => {
    if ("removed" in row) return [row.userId, { conversationId, version: row.version, removed: true }];
    // `packNotes` sets `shared` whenever a row has a summary; `isFanoutMessage` checked it.
    const summary = { ...(shared as SharedPart), ...row.member };
    return [row.userId, { conversationId, version: row.version, summary }];
  });
}

/**
 * A queue body in the v1 shape. The queue's only producer is this Worker's
 * conversation objects, so this guards against a body from another release,
 * not against a hostile client.
 */
export function isFanoutMessage(body: unknown): body is FanoutMessage {
  if (typeof body !== "object" || body === null) return false;
  const m = body as Partial<FanoutMessage>;
  if (m.v !== 1 || typeof m.conversationId !== "string" || !Array.isArray(m.rows)) return false;
  const sharedOk = m.shared === null || (typeof m.shared === "object" && m.shared !== undefined);
  return (
    sharedOk &&
    m.rows.every(
      (r: unknown) =>
        typeof r === "object" &&
        r !== null &&
        typeof (r as MemberRow).userId === "string" &&
        typeof (r as MemberRow).version === "number" &&
        ("removed" in r || (m.shared !== null && "member" in r)),
    )
  );
}

const utf8 = new TextEncoder();

/** A message with the bytes the queue counts for its JSON body. */
export interface SizedMessage {
  body: FanoutMessage;
  bytes: number;
}

const sized = (body: FanoutMessage): SizedMessage => ({ body, bytes: utf8.encode(JSON.stringify(body)).byteLength });

/** The message, split by rows until each part fits the message budget. */
export function fitMessage(m: FanoutMessage, maxBytes: number = QueueLimits.messageBytes): SizedMessage[] {
  const whole = sized(m);
  if (whole.bytes <= maxBytes) return [whole];
  if (m.rows.length <= 1) throw new Error("one member's note is over the queue's message size");
  const half = Math.ceil(m.rows.length / 2);
  return [
    ...fitMessage({ ...m, rows: m.rows.slice(0, half) }, maxBytes),
    ...fitMessage({ ...m, rows: m.rows.slice(half) }, maxBytes),
  ];
}

/** Collects messages into `sendBatch` calls within the platform's count and byte limits. */
export class SendBatcher {
  private batch: FanoutMessage[] = [];
  private bytes = 0;

  /** Adds `m`; when it does not fit the open batch, that batch is returned (to send now) and `m` starts the next. */
  add(m: SizedMessage): FanoutMessage[] | null {
    const size = m.bytes + QueueLimits.metadataBytes;
    const full = this.batch.length >= QueueLimits.sendBatchMessages || this.bytes + size > QueueLimits.sendBatchBytes;
    const ready = full && this.batch.length > 0 ? this.take() : null;
    this.batch.push(m.body);
    this.bytes += size;
    return ready;
  }

  /** The open batch (null when empty), leaving the batcher empty. */
  take(): FanoutMessage[] | null {
    if (this.batch.length === 0) return null;
    const out = this.batch;
    this.batch = [];
    this.bytes = 0;
    return out;
  }
}
