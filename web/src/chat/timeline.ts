// The chat's message list as plain data: REST history, live events and the
// user's own pending sends folded into one list ordered by seq (pending last).
// Pure functions, no Preact, so the rules are unit-tested in Node.
import type { Message } from "../../../worker/protocol";
import type { ClientEvent, ClientMessage, UnsupportedMessage } from "../wire/events";

export type ItemStatus = "sent" | "pending" | "failed";

/**
 * Emoji -> who reacted. A Map, not the wire's plain object: an emoji is a
 * string someone else chose, and a plain object answers "constructor" or
 * "__proto__" from its prototype (issue 13).
 */
export type ReactionMap = ReadonlyMap<string, readonly string[]>;

/** A message as the timeline shows it: the folded `Message`, or a pending send with no seq yet. */
export interface TimelineItem extends Omit<Message, "seq" | "deleted" | "reactions"> {
  /** Stable across pending -> sent, so the row is not re-mounted. */
  key: string;
  seq: number | null;
  deleted: boolean;
  status: ItemStatus;
  failure?: string;
  reactions: ReactionMap;
  /** A message this build cannot read (a newer kind): shown as "update the app", never cached. */
  unsupported?: true;
}

export interface Timeline {
  items: TimelineItem[];
  /** Whether older messages exist before the first item. */
  hasMore: boolean;
}

export const emptyTimeline: Timeline = { items: [], hasMore: false };

/** The wire's reactions (or an older build's cached object) as a Map: own keys only, lists of user ids only. */
export function reactionsOf(wire: unknown): ReactionMap {
  if (wire instanceof Map) return wire;
  const out = new Map<string, readonly string[]>();
  if (typeof wire !== "object" || wire === null) return out;
  for (const [emoji, users] of Object.entries(wire)) {
    const ids = Array.isArray(users) ? users.filter((u): u is string => typeof u === "string") : [];
    if (ids.length > 0) out.set(emoji, ids);
  }
  return out;
}

function toggled(reactions: ReactionMap, emoji: string, userId: string, on: boolean): ReactionMap {
  const users = (reactions.get(emoji) ?? []).filter((u) => u !== userId);
  const next = new Map(reactions);
  if (on) next.set(emoji, [...users, userId]);
  else if (users.length > 0) next.set(emoji, users);
  else next.delete(emoji);
  return next;
}

const keyOf = (senderId: string, clientId: string | null, seq: number | null) =>
  clientId !== null ? `c:${senderId}:${clientId}` : `s:${seq}`;

/** The placeholder of a message this build cannot read: it holds its place (seq, sender, time) and nothing else. */
function unsupportedItem(m: Omit<UnsupportedMessage, "unsupported">): TimelineItem {
  return {
    key: keyOf(m.senderId, null, m.seq),
    seq: m.seq,
    clientId: null,
    senderId: m.senderId,
    kind: "text",
    text: null,
    createdAt: m.createdAt,
    deleted: false,
    reactions: new Map(),
    status: "sent",
    unsupported: true,
  };
}

function fromMessage(m: ClientMessage): TimelineItem {
  if ("unsupported" in m) return unsupportedItem(m);
  return {
    key: keyOf(m.senderId, m.clientId, m.seq),
    seq: m.seq,
    clientId: m.clientId,
    senderId: m.senderId,
    kind: m.kind,
    text: m.deleted ? null : m.text,
    ...(m.file && !m.deleted ? { file: m.file } : {}),
    ...(m.replyTo === undefined ? {} : { replyTo: m.replyTo }),
    ...(m.mentions && !m.deleted ? { mentions: m.mentions } : {}),
    ...(m.forwardedFrom && !m.deleted ? { forwardedFrom: m.forwardedFrom } : {}),
    createdAt: m.createdAt,
    ...(m.editedAt === undefined ? {} : { editedAt: m.editedAt }),
    deleted: m.deleted === true,
    reactions: reactionsOf(m.reactions),
    status: "sent",
  };
}

function ordered(items: TimelineItem[]): TimelineItem[] {
  // Array.prototype.sort is stable: pending items keep their send order.
  return items.sort((a, b) => (a.seq ?? Number.POSITIVE_INFINITY) - (b.seq ?? Number.POSITIVE_INFINITY));
}

/** Highest seq among loaded messages (0 if none): where the socket takes over. */
export function lastSeqOf(t: Timeline): number {
  return t.items.reduce((max, i) => Math.max(max, i.seq ?? 0), 0);
}

/** Smallest loaded seq: the `before` cursor for the next older page. */
export function oldestSeqOf(t: Timeline): number | undefined {
  const seqs = t.items.flatMap((i) => (i.seq === null ? [] : [i.seq]));
  return seqs.length === 0 ? undefined : Math.min(...seqs);
}

/** Adds a page of history (newest first, as the API returns it). */
export function addHistory(t: Timeline, newestFirst: ClientMessage[], hasMore: boolean): Timeline {
  const known = new Set(t.items.map((i) => i.seq));
  const older = newestFirst.filter((m) => !known.has(m.seq)).map(fromMessage);
  return { items: ordered([...older, ...t.items]), hasMore };
}

export function addPending(
  t: Timeline,
  clientId: string,
  senderId: string,
  text: string,
  now: number,
  replyTo?: number,
): Timeline {
  const item: TimelineItem = {
    key: keyOf(senderId, clientId, null),
    seq: null,
    clientId,
    senderId,
    kind: "text",
    text,
    ...(replyTo === undefined ? {} : { replyTo }),
    createdAt: now,
    deleted: false,
    reactions: new Map(),
    status: "pending",
  };
  return { ...t, items: [...t.items, item] };
}

export function markAcked(t: Timeline, selfId: string, clientId: string, seq: number, createdAt: number): Timeline {
  const items = t.items.map((i) =>
    i.senderId === selfId && i.clientId === clientId ? { ...i, seq, createdAt, status: "sent" as const } : i,
  );
  return { ...t, items: ordered(items) };
}

export function markFailed(t: Timeline, selfId: string, clientId: string, failure: string): Timeline {
  const items = t.items.map((i) =>
    i.senderId === selfId && i.clientId === clientId ? { ...i, status: "failed" as const, failure } : i,
  );
  return { ...t, items };
}

/**
 * Applies events already deduplicated and ordered by the socket. A window of
 * older history (`appendNew: false`) takes the changes to its messages but
 * not new messages, which belong after a gap it does not show.
 */
export function applyEvents(t: Timeline, events: ClientEvent[], opts: { appendNew?: boolean } = {}): Timeline {
  const appendNew = opts.appendNew ?? true;
  let items = [...t.items];
  const update = (seq: number, change: (i: TimelineItem) => TimelineItem) => {
    items = items.map((i) => (i.seq === seq ? change(i) : i));
  };
  for (const e of events) {
    switch (e.type) {
      case "message": {
        const clientId = e.clientId ?? null;
        const mine = items.findIndex(
          (i) => (clientId !== null && i.clientId === clientId && i.senderId === e.senderId) || i.seq === e.seq,
        );
        const item: TimelineItem = {
          key: keyOf(e.senderId, clientId, e.seq),
          seq: e.seq,
          clientId,
          senderId: e.senderId,
          kind: e.kind,
          text: e.text ?? null,
          ...(e.file ? { file: e.file } : {}),
          ...(e.replyTo === undefined ? {} : { replyTo: e.replyTo }),
          ...(e.mentions ? { mentions: e.mentions } : {}),
          ...(e.forwardedFrom ? { forwardedFrom: e.forwardedFrom } : {}),
          createdAt: e.createdAt,
          deleted: false,
          reactions: new Map(),
          status: "sent",
        };
        if (mine === -1) {
          if (appendNew) items.push(item);
        } else items[mine] = item;
        break;
      }
      case "edit":
        // An edit's mentions replace the message's (none when absent).
        update(e.target, ({ mentions: _, ...i }) =>
          i.deleted
            ? i
            : { ...i, text: e.text ?? null, editedAt: e.createdAt, ...(e.mentions ? { mentions: e.mentions } : {}) },
        );
        break;
      case "delete":
        update(e.target, ({ file: _, mentions: _m, forwardedFrom: _origin, ...i }) => ({
          ...i,
          text: null,
          deleted: true,
        }));
        break;
      case "reaction":
        update(e.target, (i) => ({ ...i, reactions: toggled(i.reactions, e.emoji, e.senderId, e.on) }));
        break;
      // Pins are kept beside the list (pins.ts); members re-read the details.
      case "pin":
      case "member":
        break;
      // A newer server's event: nothing to change, unless it is a message (then a placeholder holds its place).
      case "unknown": {
        const { seq, senderId, createdAt } = e;
        if (e.wireType !== "message" || senderId === undefined || createdAt === undefined) break;
        const item = unsupportedItem({ seq, senderId, createdAt });
        const at = items.findIndex((i) => i.seq === seq);
        if (at !== -1) items[at] = item;
        else if (appendNew) items.push(item);
        break;
      }
    }
  }
  return { ...t, items: ordered(items) };
}
