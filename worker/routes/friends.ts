import { Hono } from "hono";
import { requireAuth } from "../auth/middleware";
import { limitByUser } from "../auth/ratelimit";
import { removeFriendship } from "../db/friends";
import {
  acceptRequest,
  deleteRequest,
  getRelationState,
  getRequestRow,
  insertRequest,
  listRequests,
  type RequestRow,
  toRequests,
} from "../db/requests";
import { getUserById, getUserByUsername } from "../db/users";
import type { AppEnv, Bindings } from "../http/env";
import { conflict, forbidden, invalidRequest, notFound } from "../http/errors";
import { valid } from "../http/validate";
import { newId } from "../ids";
import type { Friend } from "../protocol";
import { getFriend, listFriends } from "../social/friends";
import { onSocialChange } from "../social/notify";
import { IdParam, SendRequestBody, UserIdParam } from "../social/schemas";

export const friends = new Hono<AppEnv>();

friends.use("*", requireAuth);

/**
 * Accepts request `requestId` from `otherId`, tells both inboxes, and returns
 * the new friend; null when the request was already gone.
 */
async function acceptAsFriend(env: Bindings, requestId: string, me: string, otherId: string): Promise<Friend | null> {
  if (!(await acceptRequest(env.DB, requestId, me, Date.now()))) return null;
  await onSocialChange(env, { type: "friend_added", userIds: [me, otherId] });
  const friend = await getFriend(env, me, otherId);
  if (!friend) throw conflict("the friendship changed meanwhile; try again");
  return friend;
}

friends.get("/", async (c) => c.json({ friends: await listFriends(c.env, c.get("auth").userId) }));

friends.get("/requests", async (c) => c.json(await listRequests(c.env.DB, c.get("auth").userId)));

/**
 * Sends a request, or accepts the other side's pending one. Preconditions are
 * read first to pick the right refusal, then re-checked inside each write; if
 * the state moved in between, the loop reads it again (twice at most).
 */
friends.post("/requests", limitByUser("FRIEND_REQUEST_USER_LIMIT"), valid("json", SendRequestBody), async (c) => {
  const me = c.get("auth").userId;
  const body = c.req.valid("json");
  const target = body.userId
    ? await getUserById(c.env.DB, body.userId)
    : await getUserByUsername(c.env.DB, body.username ?? "");
  if (!target) throw notFound("no such user");
  if (target.id === me) throw invalidRequest("you cannot befriend yourself", [{ field: "userId", message: "is you" }]);

  for (let attempt = 0; attempt < 2; attempt++) {
    const state = await getRelationState(c.env.DB, me, target.id);
    // A blocker asking the user they blocked gets the same answer: unblock first.
    if (state.blocked) throw forbidden("one of you has blocked the other");
    if (state.friends) throw conflict("already friends");
    if (state.outgoingId) throw conflict("a friend request to this user is already pending");

    if (state.incomingId) {
      const friend = await acceptAsFriend(c.env, state.incomingId, me, target.id);
      if (!friend) continue;
      return c.json({ friend }, 200);
    }

    const row: RequestRow = {
      id: newId("frq"),
      fromId: me,
      toId: target.id,
      message: body.message ?? "",
      createdAt: Date.now(),
    };
    if (!(await insertRequest(c.env.DB, row))) continue;
    const [request] = await toRequests(c.env.DB, [row]);
    if (!request) throw notFound("no such user");
    await onSocialChange(c.env, { type: "friend_request", request });
    return c.json({ request }, 201);
  }
  throw conflict("the relationship changed meanwhile; try again");
});

/**
 * A request someone other than its two users asks about does not exist for
 * them (404); the wrong one of its two users is refused (403).
 */
async function requireRequestAs(
  d1: D1Database,
  id: string,
  me: string,
  role: "receiver" | "sender",
): Promise<RequestRow> {
  const row = await getRequestRow(d1, id);
  if (!row || (row.fromId !== me && row.toId !== me)) throw notFound("no such friend request");
  if ((role === "receiver" ? row.toId : row.fromId) !== me) {
    throw forbidden(
      role === "receiver" ? "only the receiver can answer this request" : "only the sender can cancel it",
    );
  }
  return row;
}

friends.post("/requests/:id/accept", valid("param", IdParam), async (c) => {
  const me = c.get("auth").userId;
  const row = await requireRequestAs(c.env.DB, c.req.valid("param").id, me, "receiver");
  const friend = await acceptAsFriend(c.env, row.id, me, row.fromId);
  if (!friend) throw notFound("no such friend request");
  return c.json({ friend }, 200);
});

friends.post("/requests/:id/decline", valid("param", IdParam), async (c) => {
  const row = await requireRequestAs(c.env.DB, c.req.valid("param").id, c.get("auth").userId, "receiver");
  if (!(await deleteRequest(c.env.DB, row.id))) throw notFound("no such friend request");
  return c.body(null, 204);
});

friends.delete("/requests/:id", valid("param", IdParam), async (c) => {
  const row = await requireRequestAs(c.env.DB, c.req.valid("param").id, c.get("auth").userId, "sender");
  if (!(await deleteRequest(c.env.DB, row.id))) throw notFound("no such friend request");
  return c.body(null, 204);
});

friends.delete("/:userId", valid("param", UserIdParam), async (c) => {
  const me = c.get("auth").userId;
  const { userId } = c.req.valid("param");
  if (!(await removeFriendship(c.env.DB, me, userId))) throw notFound("not friends with this user");
  await onSocialChange(c.env, { type: "friend_removed", userIds: [me, userId] });
  return c.body(null, 204);
});
