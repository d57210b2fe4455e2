// What the object answers when the Worker asks who may do what: the
// conversation is the one authority on membership, roles and DM blocks
// (routes and file endpoints ask it, never D1's member index).
import type { IndexedMember } from "../db/member-index";
import { type ConversationKind, ErrorCode, Limits, type Role } from "../protocol";
import type { ConversationLog } from "./log";
import type { MemberKey } from "./member-cursor";
import { type Refusal, refuse } from "./results";

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
  /** Everyone, or above `Limits.membersListedMax` the first page (then `next` is set). */
  members: IndexedMember[];
  memberCount: number;
  /** Where the next page starts after; null when `members` is the whole list. */
  next: MemberKey | null;
}

export interface MemberPage {
  ok: true;
  members: IndexedMember[];
  /** The last listed member's key when more may follow; null at the end. */
  next: MemberKey | null;
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

/** Read through this conversation: who posted the file here, the only poster its readers may learn. */
export interface FileAccess {
  ok: true;
  postedBy: string;
}

/**
 * A file of another conversation, read through this one: a member here, and
 * a live message here references it (only a forward can: a send takes files
 * of this conversation only). Deleting the forward ends it, as leaving does.
 */
export function fileAccessOf(log: ConversationLog, userId: string, fileId: string): FileAccess | Refusal {
  const denied = log.check(userId);
  if (denied) return denied;
  const postedBy = log.store.filePoster(fileId);
  return postedBy !== null ? { ok: true, postedBy } : refuse(ErrorCode.notFound, "no such file");
}

/**
 * Up to `limit` members after `after` (null: from the start) in (joined_at,
 * user_id) order: a keyset read on the members_order index (0007), so a page
 * costs its own rows however large the group. A member removed meanwhile is
 * simply no longer there; one added later sorts after everyone before it.
 */
export function memberPage(
  log: ConversationLog,
  sql: SqlStorage,
  userId: string,
  after: MemberKey | null,
  limit: number,
): MemberPage | Refusal {
  const denied = log.check(userId);
  if (denied) return denied;
  return { ok: true, ...readPage(sql, after, limit) };
}

function readPage(sql: SqlStorage, after: MemberKey | null, limit: number) {
  // One row more than asked says whether another page follows.
  const rows = sql
    .exec<{ user_id: string; role: Role; joined_at: number }>(
      "SELECT user_id, role, joined_at FROM members WHERE (joined_at, user_id) > (?, ?) ORDER BY joined_at, user_id LIMIT ?",
      after?.joinedAt ?? -1,
      after?.userId ?? "",
      limit + 1,
    )
    .toArray();
  const members = rows.slice(0, limit).map((r) => ({ userId: r.user_id, role: r.role, joinedAt: r.joined_at }));
  const last = members.at(-1);
  return { members, next: rows.length > limit && last ? { joinedAt: last.joinedAt, userId: last.userId } : null };
}

/**
 * Every member with role and join time, oldest first (the log's own rows);
 * above `Limits.membersListedMax` only the first page, the rest by `memberPage`.
 */
export function rosterOf(log: ConversationLog, sql: SqlStorage, userId: string): Roster | Refusal {
  const denied = log.check(userId);
  if (denied) return denied;
  const conversation = info(log);
  if (!conversation) throw new Error("check passed without meta");
  const memberCount = log.members.size;
  if (memberCount > Limits.membersListedMax) {
    return { ok: true, conversation, memberCount, ...readPage(sql, null, Limits.pageDefault) };
  }
  const members = sql
    .exec<{ user_id: string; role: Role; joined_at: number }>(
      "SELECT user_id, role, joined_at FROM members ORDER BY joined_at, user_id",
    )
    .toArray()
    .map((r) => ({ userId: r.user_id, role: r.role, joinedAt: r.joined_at }));
  return { ok: true, conversation, members, memberCount, next: null };
}
