// The conversation list, friends' presence and unread counts as plain data,
// folded from the inbox socket's frames (and REST as a fallback). Pure, so
// ordering and notification rules are unit-tested in Node.
import type { ConversationSummary, InboxServerFrame, PresenceStatus } from "../../../worker/protocol";

export interface PresenceInfo {
  status: PresenceStatus;
  lastSeenAt: number | null;
}

export interface InboxState {
  /** Pinned first (oldest pin first), then newest activity first. */
  conversations: ConversationSummary[];
  /** By user id. A Map: ids come from the wire, and a plain object would answer prototype names. */
  presence: ReadonlyMap<string, PresenceInfo>;
  /** Bumped by friend/request frames: contact lists reload when it changes. */
  contactsVersion: number;
}

export type InboxFrame = Exclude<InboxServerFrame, { type: "pong" }>;

export const emptyInbox: InboxState = { conversations: [], presence: new Map(), contactsVersion: 0 };

const pinRank = (c: ConversationSummary) => (c.pinned ? (c.pinnedAt ?? 0) : Number.POSITIVE_INFINITY);

/** Telegram's order: pinned chats on top in the order they were pinned, then by activity. */
const byActivity = (a: ConversationSummary, b: ConversationSummary) => {
  const pa = pinRank(a);
  const pb = pinRank(b);
  if (pa !== pb) return pa < pb ? -1 : 1;
  return b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
};

/** Whether the user muted it (a timed mute ends by itself, without waiting for the server). */
export const isMuted = (c: ConversationSummary, now = Date.now()) =>
  c.muted === true && (c.mutedUntil === undefined || c.mutedUntil > now);

/** Local copy of a settings change, before the inbox socket's frame confirms it. */
export function withSettings(
  state: InboxState,
  id: string,
  s: { muted: boolean; mutedUntil?: number; pinned: boolean; pinnedAt?: number },
): InboxState {
  const c = state.conversations.find((x) => x.id === id);
  if (!c) return state;
  const { muted: _m, mutedUntil: _u, pinned: _p, pinnedAt: _a, ...base } = c;
  const next: ConversationSummary = { ...base };
  if (s.muted) next.muted = true;
  if (s.mutedUntil !== undefined) next.mutedUntil = s.mutedUntil;
  if (s.pinned) next.pinned = true;
  if (s.pinnedAt !== undefined) next.pinnedAt = s.pinnedAt;
  return upsertConversation(state, next);
}

export function withConversations(state: InboxState, list: readonly ConversationSummary[]): InboxState {
  return { ...state, conversations: [...list].sort(byActivity) };
}

export function upsertConversation(state: InboxState, c: ConversationSummary): InboxState {
  const rest = state.conversations.filter((x) => x.id !== c.id);
  return { ...state, conversations: [...rest, c].sort(byActivity) };
}

/** Opening a conversation reads it: its badge clears at once, before the server's frame confirms. */
export function markSeen(state: InboxState, id: string): InboxState {
  const c = state.conversations.find((x) => x.id === id);
  if (!c || c.unread === 0) return state;
  return {
    ...state,
    conversations: state.conversations.map((x) => {
      if (x.id !== id) return x;
      const { unreadMentions: _n, lastMentionSeq: _s, ...read } = x;
      return { ...read, unread: 0, readSeq: x.lastSeq };
    }),
  };
}

export function applyInboxFrame(state: InboxState, frame: InboxFrame): InboxState {
  switch (frame.type) {
    case "welcome": {
      const presence = new Map<string, PresenceInfo>();
      for (const f of frame.friends) presence.set(f.userId, { status: f.status, lastSeenAt: f.lastSeenAt });
      return { ...withConversations(state, frame.conversations), presence, contactsVersion: state.contactsVersion + 1 };
    }
    case "conversation":
      return upsertConversation(state, frame.conversation);
    case "conversation_removed":
      return { ...state, conversations: state.conversations.filter((c) => c.id !== frame.conversationId) };
    case "presence":
      return {
        ...state,
        presence: new Map(state.presence).set(frame.userId, { status: frame.status, lastSeenAt: frame.lastSeenAt }),
      };
    case "friend_added":
      return {
        ...state,
        presence: new Map(state.presence).set(frame.friend.user.id, frame.friend.presence),
        contactsVersion: state.contactsVersion + 1,
      };
    case "friend_request":
    case "friend_removed":
      return { ...state, contactsVersion: state.contactsVersion + 1 };
    default:
      return state;
  }
}

/**
 * A mention newer than anything the previous summary showed: a new message
 * that names the user (an edit that adds a mention to an older message is not).
 */
export function brings(prev: ConversationSummary | undefined, next: ConversationSummary): boolean {
  const seen = Math.max(prev?.lastMentionSeq ?? 0, prev?.lastMessage?.seq ?? 0);
  return (next.lastMentionSeq ?? 0) > seen;
}

/**
 * Whether a `conversation` frame deserves a notice: someone else's new
 * message raised the unread count of a conversation the user is not looking
 * at; in a muted one, only a new message that mentions the user does.
 */
export function noticeFor(
  before: InboxState,
  next: ConversationSummary,
  selfId: string,
  openConversationId: string | null,
): boolean {
  if (next.id === openConversationId) return false;
  const last = next.lastMessage;
  if (!last || last.senderId === selfId) return false;
  const prev = before.conversations.find((c) => c.id === next.id);
  if (isMuted(next)) return brings(prev, next);
  return next.unread > (prev?.unread ?? 0);
}

/** The app badge and tab title count what is not muted, as Telegram does, and mentions everywhere. */
export const totalUnread = (state: InboxState) =>
  state.conversations.reduce((n, c) => n + (isMuted(c) ? (c.unreadMentions ?? 0) : c.unread), 0);
