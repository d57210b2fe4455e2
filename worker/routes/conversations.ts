import { Hono } from "hono";
import * as v from "valibot";
import { requireAuth } from "../auth/middleware";
import { limitByUser } from "../auth/ratelimit";
import { ForwardBody, SendBody } from "../conversation/frames";
import type { InitInput } from "../conversation/log";
import type { MemberChange } from "../conversation/membership";
import { blockedAmong, isBlockedEitherWay } from "../db/blocks";
import { type ConversationRow, ensureDm, insertGroup, listForUser } from "../db/conversations";
import { friendsAmong } from "../db/friends";
import { getUserById } from "../db/users";
import { requireAccess, requireConversation } from "../do/access";
import { conversationStub, inboxStub } from "../do/stubs";
import { forwardUpgrade, requireUpgrade } from "../do/upgrade";
import type { AppEnv, Bindings } from "../http/env";
import { forbidden, invalidRequest, notFound, refusalError } from "../http/errors";
import { intParam, safeName, valid } from "../http/validate";
import { newId } from "../ids";
import { overlay } from "../inbox/settings";
import { type ConversationSettings, type ConversationSummary, Limits } from "../protocol";
import { MembersQuery, membersPage, unwrap, withMembers } from "./member-list";

const userId = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const title = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(Limits.titleMax), safeName);
const CreateBody = v.variant("kind", [
  v.object({ kind: v.literal("dm"), userId }),
  v.object({
    kind: v.literal("group"),
    title,
    // The chunk bound of adds: a group starts with at most this many, more come by `POST …/members`.
    memberIds: v.pipe(v.array(userId), v.minLength(1), v.maxLength(Limits.addMembersMax)),
  }),
]);
const MAX_SEQ = Number.MAX_SAFE_INTEGER;
const EventsQuery = v.object({
  after: v.optional(intParam(0, MAX_SEQ), "0"),
  limit: v.optional(intParam(1, Limits.eventsPageMax), String(Limits.pageDefault)),
});
const MessagesQuery = v.pipe(
  v.object({
    before: v.optional(intParam(1, MAX_SEQ)),
    from: v.optional(intParam(0, MAX_SEQ)),
    to: v.optional(intParam(0, MAX_SEQ)),
    after: v.optional(intParam(0, MAX_SEQ)),
    q: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200))),
    limit: v.optional(intParam(1, Limits.messagesPageMax), String(Limits.pageDefault)),
  }),
  v.check(
    (q) => q.from === undefined || (q.before === undefined && q.q === undefined),
    "from/to cannot be combined with before or q",
  ),
  v.check((q) => q.to === undefined || q.from !== undefined, "to needs from"),
  v.check((q) => q.after === undefined || q.from !== undefined, "after pages a from/to range"),
);

const RenameBody = v.object({ title });
const AddMembersBody = v.object({
  userIds: v.pipe(v.array(userId), v.minLength(1), v.maxLength(Limits.addMembersMax)),
});
const RoleBody = v.object({ role: v.picklist(["admin", "member"]) });
const SettingsBody = v.pipe(
  v.strictObject({
    muted: v.optional(
      v.union([v.boolean(), v.strictObject({ until: v.pipe(v.number(), v.safeInteger(), v.minValue(1)) })]),
    ),
    pinned: v.optional(v.boolean()),
  }),
  v.check((b) => b.muted !== undefined || b.pinned !== undefined, "give muted or pinned"),
);

/**
 * Creates the object's log (idempotent) and waits for its members to reach
 * D1's index, which the object writes (the route never does); if D1 fails
 * the object's alarm retries, and nothing here depends on the index.
 */
async function initObject(env: Bindings, row: ConversationRow, members: InitInput["members"]): Promise<void> {
  const stub = conversationStub(env, row.id);
  await stub.init({
    id: row.id,
    kind: row.kind,
    title: row.title,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    members,
  });
  await stub.syncIndex();
}

/** A membership change, decided and logged by the object, which then writes D1's index. */
async function changeMembers(env: Bindings, conversationId: string, me: string, change: MemberChange) {
  const stub = conversationStub(env, conversationId);
  const result = unwrap(await stub.changeMembers(me, change));
  // Read-your-writes for "my conversations" when D1 is well; the change stands either way.
  await stub.syncIndex();
  return result;
}

export const conversations = new Hono<AppEnv>();
conversations.use("*", requireAuth);

conversations.post("/", valid("json", CreateBody), async (c) => {
  const me = c.get("auth").userId;
  const body = c.req.valid("json");
  const now = Date.now();

  if (body.kind === "dm") {
    if (body.userId === me) throw invalidRequest("cannot open a conversation with yourself");
    if (!(await getUserById(c.env.DB, body.userId))) throw notFound("no such user");
    if (await isBlockedEitherWay(c.env.DB, me, body.userId)) throw forbidden("blocked");
    if (!(await friendsAmong(c.env.DB, me, [body.userId])).has(body.userId)) throw forbidden("not friends");
    const { conversation, created } = await ensureDm(c.env.DB, me, body.userId, newId("c"), now);
    // Idempotent: also repairs an object whose init did not run after an earlier insert.
    await initObject(c.env, conversation, [
      { userId: conversation.createdBy, role: "member" },
      { userId: conversation.createdBy === me ? body.userId : me, role: "member" },
    ]);
    return c.json({ conversation: await withMembers(c.env, conversation.id, me) }, created ? 201 : 200);
  }

  const memberIds = [...new Set(body.memberIds)].filter((id) => id !== me);
  if (memberIds.length === 0) throw invalidRequest("a group needs at least one other member");
  const friends = await friendsAmong(c.env.DB, me, memberIds);
  if (friends.size !== memberIds.length) throw forbidden("the creator must be friends with every member");
  const row: ConversationRow = {
    id: newId("c"),
    kind: "group",
    title: body.title,
    createdBy: me,
    createdAt: now,
    updatedAt: now,
  };
  const roles: InitInput["members"] = [
    { userId: me, role: "owner" },
    ...memberIds.map((id) => ({ userId: id, role: "member" as const })),
  ];
  await insertGroup(c.env.DB, row);
  await initObject(c.env, row, roles);
  return c.json({ conversation: await withMembers(c.env, row.id, me) }, 201);
});

conversations.get("/", async (c) => {
  const me = c.get("auth").userId;
  const [rows, fromInbox] = await Promise.all([
    listForUser(c.env.DB, me),
    // The inbox holds every summary its conversations pushed; a failure falls back to asking each object.
    inboxStub(c.env, me)
      .summaries(me)
      .then((r) => ({ summaries: new Map(r.conversations.map((s) => [s.id, s])), settings: r.settings }))
      .catch(() => ({
        summaries: new Map<string, ConversationSummary>(),
        settings: new Map<string, ConversationSettings>(),
      })),
  ]);
  const list = await Promise.all(
    rows.map(async (r): Promise<ConversationSummary | null> => {
      const known = fromInbox.summaries.get(r.id);
      // Profiles are D1's: the inbox's copy of a DM's peer is as old as the last change it heard of.
      if (known) return r.peer ? { ...known, peer: r.peer } : known;
      const s = await conversationStub(c.env, r.id).summary(me);
      const base: ConversationSummary = {
        id: r.id,
        kind: r.kind,
        title: r.title,
        memberCount: r.memberCount,
        role: r.role,
        lastSeq: 0,
        readSeq: 0,
        unread: 0,
        updatedAt: r.updatedAt,
        ...(r.peer ? { peer: r.peer } : {}),
      };
      // The index lags the object (it follows through the object's outbox): the object's "no" wins.
      if (!s.ok) return null;
      const { ok: _ok, ...live } = s;
      const settings = fromInbox.settings.get(r.id) ?? { muted: false, pinned: false };
      return overlay({ ...base, ...live, updatedAt: Math.max(live.updatedAt, r.updatedAt) }, settings);
    }),
  ).then((all) => all.filter((s) => s !== null));
  list.sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : 1));
  return c.json({ conversations: list });
});

conversations.get("/:id", async (c) => {
  const me = c.get("auth").userId;
  const { conversation } = await requireAccess(c.env, c.req.param("id"), me);
  return c.json({ conversation: await withMembers(c.env, conversation.id, me) });
});

// Paged in (join time, user id) order; the object checks the caller (a refusal is its 403/404).
conversations.get("/:id/members", valid("query", MembersQuery), async (c) => {
  const me = c.get("auth").userId;
  const id = await requireConversation(c.env, c.req.param("id"));
  return c.json(await membersPage(c.env, id, me, c.req.valid("query")));
});

/**
 * The caller's own mute and pin, kept in their inbox. Membership is the
 * conversation object's answer (404/403), asked first; the inbox then
 * stores and tells the caller's other devices.
 */
conversations.patch("/:id/settings", valid("json", SettingsBody), async (c) => {
  const me = c.get("auth").userId;
  const id = c.req.param("id");
  const patch = c.req.valid("json");
  if (typeof patch.muted === "object" && patch.muted.until <= Date.now()) {
    throw invalidRequest("muted.until must be in the future");
  }
  await requireAccess(c.env, id, me);
  const result = await inboxStub(c.env, me).setSettings(me, id, patch);
  if (!result.ok) throw refusalError(result);
  return c.json({ settings: result.settings });
});

// Content: the object checks the caller on every call (a refusal is its 403/404).
conversations.get("/:id/events", valid("query", EventsQuery), async (c) => {
  const me = c.get("auth").userId;
  const id = await requireConversation(c.env, c.req.param("id"));
  const q = c.req.valid("query");
  const { events, head } = unwrap(await conversationStub(c.env, id).events(me, q.after, q.limit));
  return c.json({ events, head });
});

conversations.get("/:id/messages", valid("query", MessagesQuery), async (c) => {
  const me = c.get("auth").userId;
  const id = await requireConversation(c.env, c.req.param("id"));
  const { messages, hasMore } = unwrap(await conversationStub(c.env, id).messages(me, c.req.valid("query")));
  return c.json({ messages, hasMore });
});

conversations.post("/:id/messages", valid("json", SendBody), async (c) => {
  const me = c.get("auth").userId;
  const id = await requireConversation(c.env, c.req.param("id"));
  const result = unwrap(await conversationStub(c.env, id).post(me, { type: "send", ...c.req.valid("json") }));
  // The event's JSON exactly as the object stored and fanned it out: no parse and re-serialise.
  return c.body(`{"event":${result.body}}`, result.repeated ? 200 : 201, {
    "Content-Type": "application/json",
  });
});

// The same path as a `forward` frame: the object asks the source conversation, then logs the copy.
conversations.post("/:id/forwards", valid("json", ForwardBody), async (c) => {
  const me = c.get("auth").userId;
  const id = await requireConversation(c.env, c.req.param("id"));
  const result = unwrap(await conversationStub(c.env, id).post(me, { type: "forward", ...c.req.valid("json") }));
  return c.body(`{"event":${result.body}}`, result.repeated ? 200 : 201, { "Content-Type": "application/json" });
});

conversations.get("/:id/pins", async (c) => {
  const me = c.get("auth").userId;
  const id = await requireConversation(c.env, c.req.param("id"));
  const { pins } = unwrap(await conversationStub(c.env, id).pins(me));
  return c.json({ pins });
});

// The object checks membership again when it accepts the socket (the upgrade carries no other proof).
conversations.get("/:id/ws", limitByUser("SOCKET_USER_LIMIT"), async (c) => {
  const auth = c.get("auth");
  requireUpgrade(c.env, c.req.raw);
  const id = await requireConversation(c.env, c.req.param("id"));
  return forwardUpgrade(c.req.raw, auth, conversationStub(c.env, id));
});

// ---------- membership: the object decides and logs, then writes D1's index itself ----------

conversations.patch("/:id", valid("json", RenameBody), async (c) => {
  const me = c.get("auth").userId;
  const id = await requireConversation(c.env, c.req.param("id"));
  await changeMembers(c.env, id, me, { action: "renamed", title: c.req.valid("json").title });
  return c.json({ conversation: await withMembers(c.env, id, me) });
});

/**
 * Adds one chunk (at most `Limits.addMembersMax` ids) in one transaction and
 * one event. Idempotent: ids already in (the caller too) are reported in
 * `alreadyMembers`, not refused, so a client adds any number by sending
 * chunks and may resend one whose answer it lost.
 */
conversations.post("/:id/members", valid("json", AddMembersBody), async (c) => {
  const me = c.get("auth").userId;
  const id = await requireConversation(c.env, c.req.param("id"));
  const userIds = [...new Set(c.req.valid("json").userIds)];
  const others = userIds.filter((u) => u !== me);
  // Friendship and blocks are social relations and live in D1; who is in already and the
  // rights in the group are the object's, which applies these facts to the newcomers only.
  const [friends, blocked] = await Promise.all([
    friendsAmong(c.env.DB, me, others),
    blockedAmong(c.env.DB, me, others),
  ]);
  const notFriends = others.filter((u) => !friends.has(u));
  const result = await changeMembers(c.env, id, me, { action: "added", userIds, notFriends, blocked: [...blocked] });
  return c.json({
    conversation: await withMembers(c.env, id, me),
    added: result.added,
    alreadyMembers: result.alreadyMembers,
  });
});

conversations.delete("/:id/members/:userId", async (c) => {
  const me = c.get("auth").userId;
  const id = await requireConversation(c.env, c.req.param("id"));
  await changeMembers(c.env, id, me, { action: "removed", userId: c.req.param("userId") });
  return c.body(null, 204);
});

conversations.patch("/:id/members/:userId", valid("json", RoleBody), async (c) => {
  const me = c.get("auth").userId;
  const id = await requireConversation(c.env, c.req.param("id"));
  const { role } = c.req.valid("json");
  await changeMembers(c.env, id, me, { action: "role", userId: c.req.param("userId"), role });
  return c.json({ conversation: await withMembers(c.env, id, me) });
});
