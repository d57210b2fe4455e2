// Fixtures for groups of thousands (issue 16): users and friendships written
// straight into D1 (thousands of registrations would spend minutes hashing
// passwords), groups filled through the API in chunks, and, where even that
// is too slow (100,000 members), member rows seeded into the object's SQLite
// and the object evicted so it loads them the way a woken object does.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { ConversationObject } from "../conversation/object";
import { insertGroup } from "../db/conversations";
import { type Conversation, Limits, type Role } from "../protocol";
import { stubOf } from "./conversation-fixtures";
import { apiOk, type TestUser } from "./helpers";

/** D1 statements per test batch: one big batch is one long transaction the other tests wait behind. */
const BATCH = 500;

async function batched(statements: D1PreparedStatement[]): Promise<void> {
  for (let i = 0; i < statements.length; i += BATCH) await env.DB.batch(statements.slice(i, i + BATCH));
}

/** `n` fresh user ids under `tag` (unique per call site when `tag` is). */
export function bulkIds(tag: string, n: number): string[] {
  const run = crypto.randomUUID().slice(0, 8);
  return Array.from({ length: n }, (_, i) => `usr_${tag}_${run}_${String(i).padStart(6, "0")}`);
}

/** Profiles straight into D1. */
export async function insertUsers(ids: readonly string[], createdAt = Date.now()): Promise<void> {
  const stmt = env.DB.prepare(
    "INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, 'x', ?)",
  );
  await batched(ids.map((id, i) => stmt.bind(id, `bulk${i}_${id.slice(-12)}`.toLowerCase(), `Bulk ${i}`, createdAt)));
}

/** `userId` and each of `friendIds` become friends (both directions, as accepting a request writes them). */
export async function insertFriendships(userId: string, friendIds: readonly string[]): Promise<void> {
  const stmt = env.DB.prepare("INSERT INTO friendships (user_id, friend_id, since) VALUES (?, ?, ?)");
  const since = Date.now();
  await batched(friendIds.flatMap((f) => [stmt.bind(userId, f, since), stmt.bind(f, userId, since)]));
}

export interface AddAnswer {
  conversation: Conversation;
  added: string[];
  alreadyMembers: string[];
}

/** Adds `ids` through `POST …/members`, one request per `Limits.addMembersMax` ids. */
export async function addInChunks(
  conversationId: string,
  actor: TestUser,
  ids: readonly string[],
): Promise<AddAnswer[]> {
  const answers: AddAnswer[] = [];
  for (let i = 0; i < ids.length; i += Limits.addMembersMax) {
    answers.push(
      await apiOk<AddAnswer>(`/api/conversations/${conversationId}/members`, {
        token: actor.accessToken,
        body: { userIds: ids.slice(i, i + Limits.addMembersMax) },
      }),
    );
  }
  return answers;
}

/**
 * A group whose first members are `members` (created through the object's
 * `init`, the way the route creates one) plus `bulk` more plain members
 * seeded into its SQLite by one statement, parked (nobody reads their inbox,
 * so a message notifies only the real users) and joined before them. The
 * object is then evicted: the next call loads the members as a woken
 * object does. Not the add path (big-groups.test.ts covers that in
 * chunks); this is what makes 100,000 members affordable in a test.
 */
export async function seedGroup(
  members: { userId: string; role: Role }[],
  bulk: number,
): Promise<{ id: string; bulkIds: string[] }> {
  const id = `c_${crypto.randomUUID().replaceAll("-", "").slice(0, 22)}`;
  const createdAt = Date.now();
  const owner = members.find((m) => m.role === "owner")?.userId ?? "";
  await insertGroup(env.DB, { id, kind: "group", title: "big", createdBy: owner, createdAt, updatedAt: createdAt });
  await stubOf(id).init({ id, kind: "group", title: "big", createdBy: owner, createdAt, members });
  const prefix = `usr_seed_${id.slice(2, 10)}_`;
  await runInDurableObject(stubOf(id), (_obj, state) => {
    state.storage.transactionSync(() => {
      const sql = state.storage.sql;
      sql.exec(
        `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
         INSERT INTO members (user_id, role, joined_at) SELECT ? || printf('%06d', i), 'member', ? FROM n`,
        bulk,
        prefix,
        createdAt - 1,
      );
      sql.exec(
        `INSERT INTO inbox_parking (user_id, parked, refreshed_at)
         SELECT user_id, 1, NULL FROM members WHERE user_id LIKE ? || '%'`,
        prefix,
      );
    });
  });
  await evictDurableObject(stubOf(id));
  const count = await runInDurableObject(stubOf(id), (obj: ConversationObject) => obj.room.log.members.size);
  expect(count).toBe(members.length + bulk);
  return { id, bulkIds: Array.from({ length: bulk }, (_, i) => `${prefix}${String(i).padStart(6, "0")}`) };
}
