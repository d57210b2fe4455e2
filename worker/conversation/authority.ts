// What the object answers when the Worker asks who may do what: the
// conversation is the one authority on membership, roles and DM blocks
// (routes and file endpoints ask it, never D1's member index).
import type { IndexedMember } from "../db/member-index";
import type { ConversationKind, Role } from "../protocol";
import type { ConversationLog } from "./log";
import type { Refusal } from "./results";

export interface ConversationInfo {
  id: string;
  kind: ConversationKind;
  title: string | null;
  createdAt: number;
}

/** The caller's standing in the conversation, as of this answer. */
export interface Access {
  ok: true;
  role: Role;
  conversation: ConversationInfo;
  /** A DM either side blocked: readable, nothing new passes. */
  blocked: boolean;
}

export interface Roster {
  ok: true;
  conversation: ConversationInfo;
  members: IndexedMember[];
}

function info(log: ConversationLog): ConversationInfo | null {
  const meta = log.meta;
  return meta ? { id: meta.id, kind: meta.kind, title: meta.title, createdAt: meta.createdAt } : null;
}

export function accessOf(log: ConversationLog, userId: string, blocked: boolean): Access | Refusal {
  const denied = log.check(userId);
  if (denied) return denied;
  const conversation = info(log);
  const role = log.members.get(userId);
  if (!conversation || !role) throw new Error("check passed without meta or role");
  return { ok: true, role, conversation, blocked };
}

/** Every member with role and join time, oldest first (the log's own rows). */
export function rosterOf(log: ConversationLog, sql: SqlStorage, userId: string): Roster | Refusal {
  const denied = log.check(userId);
  if (denied) return denied;
  const conversation = info(log);
  if (!conversation) throw new Error("check passed without meta");
  const members = sql
    .exec<{ user_id: string; role: Role; joined_at: number }>(
      "SELECT user_id, role, joined_at FROM members ORDER BY joined_at, user_id",
    )
    .toArray()
    .map((r) => ({ userId: r.user_id, role: r.role, joinedAt: r.joined_at }));
  return { ok: true, conversation, members };
}
