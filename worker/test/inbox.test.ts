import { describe, expect, it } from "vitest";
import type { ConversationSummary } from "../protocol";
import { expectError, join, makeGroup } from "./conversation-fixtures";
import { api, apiOk, befriend, expectSocket, openDm, openSocket, signUp, until, waitFor } from "./helpers";
import { framesOf, INBOX_PATH, inboxOf, openInbox, say, subscribe, waitForSummary, welcomeOf } from "./inbox-fixtures";
import { decryptPush, pushesTo } from "./push-fixtures";

describe("inbox socket handshake", () => {
  it("refuses no token (401) and a foreign Origin (403); echoes imsys.v1; welcomes with a snapshot", async () => {
    const [a, b] = [await signUp("ia"), await signUp("ib")];
    const noToken = await openSocket(INBOX_PATH, null);
    if (!(noToken instanceof Response)) throw new Error("expected a refusal");
    await expectError(noToken, 401, "unauthorized");
    const foreign = await openSocket(INBOX_PATH, a.accessToken, { Origin: "https://evil.example" });
    if (!(foreign instanceof Response)) throw new Error("expected a refusal");
    await expectError(foreign, 403, "forbidden");

    await befriend(a, b);
    const dm = await openDm(a, b);
    await say(dm.id, b, "k1", "hello a");
    await waitForSummary(a.user.id, dm.id, (s) => s.lastSeq === 2);

    const s = expectSocket(
      await openSocket(INBOX_PATH, null, { "Sec-WebSocket-Protocol": `imsys.v1, bearer.${a.accessToken}` }),
    );
    expect(s.ws.protocol === "" || s.ws.protocol === "imsys.v1").toBe(true);
    await waitFor(() => s.frames.some((f) => f.type === "welcome"));
    const w = welcomeOf(s);
    expect(w.conversations).toEqual([
      expect.objectContaining({
        id: dm.id,
        kind: "dm",
        lastSeq: 2,
        unread: 1,
        peer: b.user,
        lastMessage: expect.objectContaining({ preview: "hello a", senderId: b.user.id }),
      }),
    ]);
    expect(w.friends).toEqual([{ userId: b.user.id, status: "offline", lastSeenAt: null }]);
    // Anything but the ping text is answered with an error frame, never a crash.
    s.send("not json");
    await waitFor(() => framesOf(s, "error").length === 1);
    expect(framesOf(s, "error")[0]).toMatchObject({ code: "invalid_request" });
    s.close();
  });

  it("echoes the subprotocol header when the browser offers it", async () => {
    const a = await signUp("ia");
    const { exports } = await import("cloudflare:workers");
    const res = await exports.default.fetch(`http://127.0.0.1:8787${INBOX_PATH}`, {
      headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": `imsys.v1, bearer.${a.accessToken}` },
    });
    expect(res.status).toBe(101);
    expect(res.headers.get("Sec-WebSocket-Protocol")).toBe("imsys.v1");
    res.webSocket?.accept();
    res.webSocket?.close();
  });

  it("closes the 11th inbox socket of a user with 4008", async () => {
    const a = await signUp("ia");
    const sockets = [];
    for (let i = 0; i < 10; i++) sockets.push(await openInbox(a));
    const eleventh = expectSocket(await openSocket(INBOX_PATH, a.accessToken));
    expect((await eleventh.closed).code).toBe(4008);
    expect(eleventh.frames.some((f) => f.type === "welcome")).toBe(false);
    for (const s of sockets) s.close();
  });

  it("logout closes that session's inbox sockets with 4001 and leaves other sessions open", async () => {
    const a = await signUp("ia");
    const other = await apiOk<{ accessToken: string }>("/api/auth/login", {
      body: { username: a.user.username, password: a.password },
    });
    const mine = await openInbox(a);
    const theirs = await openInbox({ ...a, accessToken: other.accessToken });
    await apiOk("/api/auth/logout", { method: "POST", token: a.accessToken }, 204);
    expect((await mine.closed).code).toBe(4001);
    expect(theirs.ws.readyState).toBe(WebSocket.OPEN);
    theirs.close();
  });
});

describe("friend notifications", () => {
  it("request, accept, remove and block produce frames on the right inboxes", async () => {
    const [a, b] = [await signUp("fa"), await signUp("fb")];
    const [sa, sb] = [await openInbox(a), await openInbox(b)];

    const sent = await apiOk<{ request: { id: string } }>(
      "/api/friends/requests",
      { token: a.accessToken, body: { userId: b.user.id, message: "hi" } },
      201,
    );
    await waitFor(() => framesOf(sb, "friend_request").length === 1);
    expect(framesOf(sb, "friend_request")[0]).toMatchObject({
      request: { id: sent.request.id, from: { id: a.user.id }, to: { id: b.user.id }, message: "hi" },
    });
    expect(framesOf(sa, "friend_request")).toHaveLength(0);

    await apiOk(`/api/friends/requests/${sent.request.id}/accept`, { method: "POST", token: b.accessToken });
    await waitFor(() => framesOf(sa, "friend_added").length === 1 && framesOf(sb, "friend_added").length === 1);
    expect(framesOf(sa, "friend_added")[0]).toMatchObject({
      friend: { user: { id: b.user.id }, presence: { status: "online" } },
    });
    expect(framesOf(sb, "friend_added")[0]).toMatchObject({
      friend: { user: { id: a.user.id }, presence: { status: "online" } },
    });

    await apiOk(`/api/friends/${b.user.id}`, { method: "DELETE", token: a.accessToken }, 204);
    await waitFor(() => framesOf(sa, "friend_removed").length === 1 && framesOf(sb, "friend_removed").length === 1);
    expect(framesOf(sa, "friend_removed")[0]).toMatchObject({ userId: b.user.id });
    expect(framesOf(sb, "friend_removed")[0]).toMatchObject({ userId: a.user.id });

    await befriend(a, b);
    await waitFor(() => framesOf(sa, "friend_added").length === 2);
    await apiOk(`/api/blocks/${a.user.id}`, { method: "PUT", token: b.accessToken }, 204);
    await waitFor(() => framesOf(sa, "friend_removed").length === 2 && framesOf(sb, "friend_removed").length === 2);
    // A blocked (removed) friend is no longer in the welcome's friends.
    const again = await openInbox(b);
    expect(welcomeOf(again).friends).toEqual([]);
    for (const s of [sa, sb, again]) s.close();
  });
});

describe("unread summaries", () => {
  it("an offline user's welcome counts 50 messages in 3 conversations; a read on one device updates every device", async () => {
    const [u, a, b] = [await signUp("uu"), await signUp("ua"), await signUp("ub")];
    await befriend(u, a);
    await befriend(u, b);
    await befriend(a, b);
    const dmA = await openDm(a, u);
    const dmB = await openDm(b, u);
    const group = await makeGroup(a, [u, b], "trio", { befriendFirst: false });
    await say(group.id, u, "own", "my own message is not unread");
    for (let i = 0; i < 20; i++) await say(dmA.id, a, `a${i}`, `from a ${i}`);
    for (let i = 0; i < 15; i++) await say(dmB.id, b, `b${i}`, `from b ${i}`);
    for (let i = 0; i < 10; i++) await say(group.id, a, `ga${i}`, `group a ${i}`);
    for (let i = 0; i < 5; i++) await say(group.id, b, `gb${i}`, `group b ${i}`);
    await waitForSummary(u.user.id, dmA.id, (s) => s.lastSeq === 21);
    await waitForSummary(u.user.id, dmB.id, (s) => s.lastSeq === 16);
    await waitForSummary(u.user.id, group.id, (s) => s.lastSeq === 17);

    const [d1, d2] = [await openInbox(u), await openInbox(u)];
    const byId = new Map(welcomeOf(d1).conversations.map((c) => [c.id, c]));
    expect(byId.get(dmA.id)).toMatchObject({
      unread: 20,
      readSeq: 0,
      lastMessage: { seq: 21, senderId: a.user.id, preview: "from a 19" },
    });
    expect(byId.get(dmB.id)).toMatchObject({ unread: 15, lastMessage: { seq: 16, preview: "from b 14" } });
    expect(byId.get(group.id)).toMatchObject({
      unread: 15,
      lastMessage: { seq: 17, senderId: b.user.id, preview: "group b 4" },
    });
    expect(welcomeOf(d1).conversations.map((c) => c.id)).toEqual([group.id, dmB.id, dmA.id]);

    // Read on a conversation socket (a third device): both inbox sockets hear unread 0.
    const conv = await join(dmA.id, u);
    conv.send({ type: "read", seq: 21 });
    const readOn = (s: typeof d1) => () =>
      framesOf(s, "conversation").some((f) => {
        const c = f.conversation as ConversationSummary;
        return c.id === dmA.id && c.unread === 0 && c.readSeq === 21;
      });
    await waitFor(readOn(d1));
    await waitFor(readOn(d2));
    const fresh = await openInbox(u);
    expect(welcomeOf(fresh).conversations.find((c) => c.id === dmA.id)).toMatchObject({ unread: 0, readSeq: 21 });
    // GET /api/conversations answers from the inbox.
    const listed = await apiOk<{ conversations: ConversationSummary[] }>("/api/conversations", {
      token: u.accessToken,
    });
    expect(listed.conversations.find((c) => c.id === dmA.id)).toMatchObject({
      unread: 0,
      readSeq: 21,
      peer: { id: a.user.id },
    });
    expect(listed.conversations.find((c) => c.id === dmB.id)).toMatchObject({ unread: 15 });
    for (const s of [d1, d2, fresh, conv]) s.close();
  });

  it("ignores a note not newer than what the inbox has (idempotent, ordered)", async () => {
    const u = await signUp("uu");
    const s = await openInbox(u);
    const inbox = inboxOf(u.user.id);
    const summary = (lastSeq: number, unread: number): ConversationSummary => ({
      id: "c_idempotencyidempotency",
      kind: "group",
      title: "t",
      memberCount: 2,
      role: "member",
      lastSeq,
      readSeq: 0,
      unread,
      updatedAt: lastSeq,
    });
    const note = (v: number) => ({ conversationId: "c_idempotencyidempotency", version: v, summary: summary(v, v) });
    expect(await inbox.conversationChanged(u.user.id, note(5))).toMatchObject({ applied: true });
    expect(await inbox.conversationChanged(u.user.id, note(3))).toMatchObject({ applied: false });
    expect(await inbox.conversationChanged(u.user.id, note(5))).toMatchObject({ applied: false });
    expect((await inbox.note("c_idempotencyidempotency"))?.summary).toMatchObject({ lastSeq: 5, unread: 5 });
    await waitFor(() => framesOf(s, "conversation").length === 1);
    expect(await inbox.conversationChanged(u.user.id, note(6))).toMatchObject({ applied: true });
    await waitFor(() => framesOf(s, "conversation").length === 2);
    expect(framesOf(s, "conversation").map((f) => (f.conversation as ConversationSummary).lastSeq)).toEqual([5, 6]);
    // A note for another user's inbox is refused by this one.
    expect(await inbox.conversationChanged("someone-else", note(9))).toMatchObject({ applied: false });
    s.close();
  });

  it("a removed member's inbox drops the conversation", async () => {
    const [a, b, c] = [await signUp("ra"), await signUp("rb"), await signUp("rc")];
    const group = await makeGroup(a, [b, c]);
    await waitForSummary(c.user.id, group.id, (s) => s.lastSeq === 1);
    const sc = await openInbox(c);
    await apiOk(`/api/conversations/${group.id}/members/${c.user.id}`, { method: "DELETE", token: a.accessToken }, 204);
    await waitFor(() => framesOf(sc, "conversation_removed").length === 1);
    expect(framesOf(sc, "conversation_removed")[0]).toMatchObject({ conversationId: group.id });
    expect((await inboxOf(c.user.id).summaries(c.user.id)).conversations).toEqual([]);
    await waitForSummary(b.user.id, group.id, (s) => s.lastSeq === 2);
    sc.close();
  });
});

describe("web push from the inbox", () => {
  it("pushes a new message to a user with no inbox socket, and not while one is open", async () => {
    const [a, u] = [await signUp("pa"), await signUp("pu")];
    await befriend(a, u);
    const dm = await openDm(a, u);
    const { endpoint, ua } = await subscribe(u);

    await say(dm.id, a, "p1", "are you there?");
    await until(async () => (await pushesTo(endpoint)).length === 1, 10_000, "a push");
    const [first] = await pushesTo(endpoint);
    if (!first) throw new Error("no push");
    const payload: unknown = JSON.parse(new TextDecoder().decode((await decryptPush(first.body, ua)).plaintext));
    expect(payload).toEqual({ conversationId: dm.id, seq: 2, title: a.user.displayName, body: "are you there?" });

    const s = await openInbox(u);
    await say(dm.id, a, "p2", "now you are");
    await waitFor(() => framesOf(s, "conversation").some((f) => (f.conversation as ConversationSummary).lastSeq === 3));
    // The push decision is made in the same call that sent this frame.
    expect(await pushesTo(endpoint)).toHaveLength(1);
    s.close();
    expect((await api("/api/health")).status).toBe(200);
  });
});
