// Logout and password change close the ended session's conversation sockets
// in every conversation the user is in, even one whose D1 member index has
// not caught up (the object is the authority; the index is only a copy).
import { describe, expect, it } from "vitest";
import { join, makeGroup } from "./conversation-fixtures";
import { apiOk, signUp } from "./helpers";
import { waitForSummary } from "./inbox-fixtures";
import { breakIndex, expectConverges, healIndex, indexMembers } from "./index-fixtures";

describe("closing ended sessions' sockets", () => {
  it("logout closes a socket in a conversation the D1 index does not list yet", async () => {
    const [o, m, x] = await Promise.all([signUp("lgo"), signUp("lgm"), signUp("lgx")]);
    const g = (await makeGroup(o, [m], "stale index")).id;
    await apiOk(`/api/friends/requests`, { token: o.accessToken, body: { userId: x.user.id } }, 201);
    const { incoming } = await apiOk<{ incoming: { id: string }[] }>("/api/friends/requests", { token: x.accessToken });
    await apiOk(`/api/friends/requests/${incoming[0]?.id}/accept`, { method: "POST", token: x.accessToken });

    await breakIndex(g, "fail");
    await apiOk(`/api/conversations/${g}/members`, { token: o.accessToken, body: { userIds: [x.user.id] } });
    expect((await indexMembers(g)).some(([id]) => id === x.user.id)).toBe(false);
    const socket = await join(g, x);
    // The inbox hears of the conversation from the object's notifier, not from D1.
    await waitForSummary(x.user.id, g, () => true);

    await apiOk("/api/auth/logout", { method: "POST", token: x.accessToken }, 204);
    expect((await socket.closed).code).toBe(4001);

    await healIndex(g);
    await expectConverges(g);
  });
});
