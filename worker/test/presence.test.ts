import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Friend } from "../protocol";
import { apiOk, befriend, signUp, type TestSocket, type TestUser, waitFor } from "./helpers";
import { framesOf, keepAlive, openInbox, welcomeOf } from "./inbox-fixtures";

const presenceOf = (s: TestSocket, userId: string) =>
  framesOf(s, "presence").filter((f) => f.userId === userId) as unknown as {
    status: string;
    lastSeenAt: number | null;
  }[];

const friendsOf = async (u: TestUser) =>
  (await apiOk<{ friends: Friend[] }>("/api/friends", { token: u.accessToken })).friends;

const lastSeenInD1 = async (u: TestUser) =>
  (
    await env.DB.prepare("SELECT last_seen_at AS v FROM users WHERE id = ?")
      .bind(u.user.id)
      .first<{ v: number | null }>()
  )?.v ?? null;

describe("presence", () => {
  it("a friend sees online on connect and offline soon after a clean close; GET /api/friends agrees", async () => {
    const [a, b] = [await signUp("pa"), await signUp("pb")];
    await befriend(a, b);
    const sb = await openInbox(b);
    const stopB = keepAlive(sb);
    expect(welcomeOf(sb).friends).toEqual([{ userId: a.user.id, status: "offline", lastSeenAt: null }]);

    const sa = await openInbox(a);
    const stopA = keepAlive(sa);
    await waitFor(() => presenceOf(sb, a.user.id).some((p) => p.status === "online"), 2000, "A online");
    expect(welcomeOf(sa).friends).toEqual([expect.objectContaining({ userId: b.user.id, status: "online" })]);
    expect((await friendsOf(b))[0]?.presence.status).toBe("online");

    stopA();
    sa.close();
    await waitFor(() => presenceOf(sb, a.user.id).some((p) => p.status === "offline"), 2000, "A offline");
    const offline = presenceOf(sb, a.user.id).find((p) => p.status === "offline");
    expect(offline?.lastSeenAt).toEqual(expect.any(Number));
    const listed = (await friendsOf(b))[0];
    expect(listed?.presence).toEqual({ status: "offline", lastSeenAt: offline?.lastSeenAt });
    expect(await lastSeenInD1(a)).toBe(offline?.lastSeenAt);
    stopB();
    sb.close();
  });

  it("stays online while another device of the user is open", async () => {
    const [a, b] = [await signUp("pa"), await signUp("pb")];
    await befriend(a, b);
    const sb = await openInbox(b);
    const stopB = keepAlive(sb);
    const [a1, a2] = [await openInbox(a), await openInbox(a)];
    const stops = [keepAlive(a1), keepAlive(a2)];
    await waitFor(() => presenceOf(sb, a.user.id).length === 1);
    a1.close();
    await a1.closed;
    // Going offline would be a second presence frame; a later friend request proves ordering caught up.
    const c = await signUp("pc");
    await apiOk("/api/friends/requests", { token: c.accessToken, body: { userId: b.user.id } }, 201);
    await waitFor(() => framesOf(sb, "friend_request").length === 1);
    expect(presenceOf(sb, a.user.id).map((p) => p.status)).toEqual(["online"]);
    expect((await friendsOf(b))[0]?.presence.status).toBe("online");
    for (const stop of [stopB, ...stops]) stop();
    a2.close();
    sb.close();
  });

  it("a silent drop (no pings) turns offline after the heartbeat timeout", async () => {
    const [a, b] = [await signUp("pa"), await signUp("pb")];
    await befriend(a, b);
    const sb = await openInbox(b);
    const stopB = keepAlive(sb);
    const sa = await openInbox(a); // never pings
    await waitFor(() => presenceOf(sb, a.user.id).some((p) => p.status === "online"), 2000, "A online");
    const timeout = Number(env.HEARTBEAT_TIMEOUT_MS);
    await waitFor(() => presenceOf(sb, a.user.id).some((p) => p.status === "offline"), timeout + 5000, "A dropped");
    expect((await friendsOf(b))[0]?.presence.status).toBe("offline");
    // B kept pinging, so B is still online for A's next session.
    const again = await openInbox(a);
    expect(welcomeOf(again).friends).toEqual([expect.objectContaining({ userId: b.user.id, status: "online" })]);
    stopB();
    for (const s of [sa, sb, again]) s.close();
  });

  it("a removed friend stops receiving presence", async () => {
    const [a, b] = [await signUp("pa"), await signUp("pb")];
    await befriend(a, b);
    const sb = await openInbox(b);
    const stopB = keepAlive(sb);
    await apiOk(`/api/friends/${a.user.id}`, { method: "DELETE", token: b.accessToken }, 204);
    await waitFor(() => framesOf(sb, "friend_removed").length === 1);
    const sa = await openInbox(a);
    const c = await signUp("pc");
    await apiOk("/api/friends/requests", { token: c.accessToken, body: { userId: b.user.id } }, 201);
    await waitFor(() => framesOf(sb, "friend_request").length === 1);
    expect(presenceOf(sb, a.user.id)).toEqual([]);
    stopB();
    sa.close();
    sb.close();
  });
});
