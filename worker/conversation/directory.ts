// D1 side of conversations: the index of who is in what, and the REST
// checks that run before an object is reached. The objects stay the
// authority for membership; these rows are written in the same request.
import type { ConversationKind, Member, Role, User } from "../protocol";

export interface ConversationRow {
  id: string;
  kind: ConversationKind;
  title: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

interface RawConversation {
  id: string;
  kind: string;
  title: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

const toConversation = (r: RawConversation): ConversationRow => ({
  id: r.id,
  kind: r.kind === "group" ? "group" : "dm",
  title: r.title,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** D1 binds at most 100 parameters per statement. */
const IN_CHUNK = 90;
const chunks = <T>(xs: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));
const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

export async function findUser(db: D1Database, userId: string): Promise<User | null> {
  const r = await db
    .prepare("SELECT id, username, display_name FROM users WHERE id = ?")
    .bind(userId)
    .first<{ id: string; username: string; display_name: string }>();
  return r ? { id: r.id, username: r.username, displayName: r.display_name } : null;
}

export async function isBlockedEitherWay(db: D1Database, a: string, b: string): Promise<boolean> {
  const r = await db
    .prepare(
      "SELECT 1 AS x FROM blocks WHERE (blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?) LIMIT 1",
    )
    .bind(a, b, b, a)
    .first();
  return r !== null;
}

/** The subset of `others` that `userId` is friends with. */
export async function friendsAmong(db: D1Database, userId: string, others: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const part of chunks(others, IN_CHUNK)) {
    const { results } = await db
      .prepare(`SELECT friend_id FROM friendships WHERE user_id = ? AND friend_id IN (${placeholders(part.length)})`)
      .bind(userId, ...part)
      .all<{ friend_id: string }>();
    for (const r of results) found.add(r.friend_id);
  }
  return found;
}

/** The conversation and the caller's role in it (null role: not a member). */
export async function findForUser(
  db: D1Database,
  id: string,
  userId: string,
): Promise<{ conversation: ConversationRow; role: Role | null } | null> {
  const r = await db
    .prepare(
      `SELECT c.id, c.kind, c.title, c.created_by, c.created_at, c.updated_at, m.role
       FROM conversations c LEFT JOIN members m ON m.conversation_id = c.id AND m.user_id = ?
       WHERE c.id = ?`,
    )
    .bind(userId, id)
    .first<RawConversation & { role: Role | null }>();
  return r ? { conversation: toConversation(r), role: r.role } : null;
}

/**
 * One DM per pair, race-safe in one batch: the insert is a no-op when the
 * pair's row exists, the members attach to whichever row holds the dm_key,
 * and the read-back returns that row (so concurrent creators agree).
 */
export async function ensureDm(
  db: D1Database,
  me: string,
  other: string,
  newId: string,
  now: number,
): Promise<{ conversation: ConversationRow; created: boolean }> {
  const dmKey = [me, other].sort().join(":");
  const addMember = db.prepare(
    `INSERT INTO members (conversation_id, user_id, role, joined_at)
     SELECT id, ?, 'member', created_at FROM conversations WHERE dm_key = ?
     ON CONFLICT DO NOTHING`,
  );
  const results = await db.batch([
    db
      .prepare(
        `INSERT INTO conversations (id, kind, title, dm_key, created_by, created_at, updated_at)
         VALUES (?, 'dm', NULL, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .bind(newId, dmKey, me, now, now),
    addMember.bind(me, dmKey),
    addMember.bind(other, dmKey),
    db
      .prepare("SELECT id, kind, title, created_by, created_at, updated_at FROM conversations WHERE dm_key = ?")
      .bind(dmKey),
  ]);
  const row = (results[3]?.results as RawConversation[] | undefined)?.[0];
  if (!row) throw new Error("dm row missing after insert");
  return { conversation: toConversation(row), created: row.id === newId };
}

export async function insertGroup(
  db: D1Database,
  group: ConversationRow,
  memberRoles: { userId: string; role: Role }[],
): Promise<void> {
  const statements: D1PreparedStatement[] = [
    db
      .prepare(
        "INSERT INTO conversations (id, kind, title, dm_key, created_by, created_at, updated_at) VALUES (?, 'group', ?, NULL, ?, ?, ?)",
      )
      .bind(group.id, group.title, group.createdBy, group.createdAt, group.updatedAt),
  ];
  // 4 parameters a row: 24 rows stay under D1's 100-parameter cap.
  for (const part of chunks(memberRoles, 24)) {
    statements.push(
      db
        .prepare(
          `INSERT INTO members (conversation_id, user_id, role, joined_at) VALUES ${part.map(() => "(?, ?, ?, ?)").join(", ")}`,
        )
        .bind(...part.flatMap((m) => [group.id, m.userId, m.role, group.createdAt])),
    );
  }
  await db.batch(statements);
}

export async function listMembers(db: D1Database, conversationId: string): Promise<Member[]> {
  const { results } = await db
    .prepare(
      `SELECT u.id, u.username, u.display_name, m.role, m.joined_at
       FROM members m JOIN users u ON u.id = m.user_id WHERE m.conversation_id = ? ORDER BY m.joined_at, u.id`,
    )
    .bind(conversationId)
    .all<{ id: string; username: string; display_name: string; role: Role; joined_at: number }>();
  return results.map((r) => ({
    user: { id: r.id, username: r.username, displayName: r.display_name },
    role: r.role,
    joinedAt: r.joined_at,
  }));
}

export interface ListedConversation extends ConversationRow {
  role: Role;
  memberCount: number;
  peer?: User;
}

/** The user's conversations with member counts and, for DMs, the other user. */
export async function listForUser(db: D1Database, userId: string): Promise<ListedConversation[]> {
  const [mine, peers] = await db.batch([
    db
      .prepare(
        `SELECT c.id, c.kind, c.title, c.created_by, c.created_at, c.updated_at, me.role,
                (SELECT count(*) FROM members x WHERE x.conversation_id = c.id) AS member_count
         FROM members me JOIN conversations c ON c.id = me.conversation_id WHERE me.user_id = ?`,
      )
      .bind(userId),
    db
      .prepare(
        `SELECT m.conversation_id, u.id, u.username, u.display_name
         FROM members me JOIN conversations c ON c.id = me.conversation_id AND c.kind = 'dm'
         JOIN members m ON m.conversation_id = c.id AND m.user_id != me.user_id
         JOIN users u ON u.id = m.user_id WHERE me.user_id = ?`,
      )
      .bind(userId),
  ]);
  const peerOf = new Map<string, User>();
  for (const p of (peers?.results ?? []) as {
    conversation_id: string;
    id: string;
    username: string;
    display_name: string;
  }[]) {
    peerOf.set(p.conversation_id, { id: p.id, username: p.username, displayName: p.display_name });
  }
  return ((mine?.results ?? []) as (RawConversation & { role: Role; member_count: number })[]).map((r) => {
    const peer = peerOf.get(r.id);
    return { ...toConversation(r), role: r.role, memberCount: r.member_count, ...(peer ? { peer } : {}) };
  });
}

/** Mirrors a change the object already accepted into the D1 index. */
export async function addMemberRows(
  db: D1Database,
  conversationId: string,
  userIds: string[],
  now: number,
): Promise<void> {
  if (userIds.length === 0) return;
  await db.batch(
    chunks(userIds, 24).map((part) =>
      db
        .prepare(
          `INSERT INTO members (conversation_id, user_id, role, joined_at) VALUES ${part.map(() => "(?, ?, 'member', ?)").join(", ")} ON CONFLICT DO NOTHING`,
        )
        .bind(...part.flatMap((id) => [conversationId, id, now])),
    ),
  );
}

export async function removeMemberRow(db: D1Database, conversationId: string, userId: string): Promise<void> {
  await db.prepare("DELETE FROM members WHERE conversation_id = ? AND user_id = ?").bind(conversationId, userId).run();
}

export async function setMemberRole(db: D1Database, conversationId: string, userId: string, role: Role): Promise<void> {
  await db
    .prepare("UPDATE members SET role = ? WHERE conversation_id = ? AND user_id = ?")
    .bind(role, conversationId, userId)
    .run();
}

export async function setTitle(db: D1Database, conversationId: string, title: string): Promise<void> {
  await db.prepare("UPDATE conversations SET title = ? WHERE id = ?").bind(title, conversationId).run();
}
