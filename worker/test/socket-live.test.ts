import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { closeUserSessions } from "../auth/disconnect";
import type { ConversationEvent } from "../protocol";
import { head, join, makeGroup, receivedEvents, receivedSeqs, stubOf } from "./conversation-fixtures";
import { apiOk, signUp, waitFor } from "./helpers";

const post = (conversationId: string, token: string, clientId: string, text: string, status = 201) =>
  apiOk<{ event: ConversationEvent }>(
    `/api/conversations/${conversationId}/messages`,
    { token, body: { clientId, kind: "text", text } },
    status,
  );

describe("conversation socket: replay and live", () => {
  it("answers hello with welcome, then replays every missing event", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    for (let i = 0; i < 3; i++) await post(group.id, a.accessToken, `p${i}`, `m${i}`);
    const s = await join(group.id, b, 0);
    await waitFor(() => receivedSeqs(s).length === 4);
    expect(s.frames[0]).toMatchObject({ type: "welcome", head: 4, readSeq: 0, protocol: 1 });
    const welcome = s.frames[0] as unknown as {
      members: { userId: string; role: string; online: boolean; readSeq: number }[];
    };
    expect(welcome.members).toEqual(
      expect.arrayContaining([
        { userId: a.user.id, role: "owner", online: false, readSeq: 0 },
        { userId: b.user.id, role: "member", online: true, readSeq: 0 },
      ]),
    );
    expect(receivedSeqs(s)).toEqual([1, 2, 3, 4]);
    const later = await join(group.id, b, 2);
    await waitFor(() => receivedSeqs(later).length === 2);
    expect(receivedSeqs(later)).toEqual([3, 4]);
    s.close();
    later.close();
  });

  it("acks a send and fans it out to every member's socket, the sender's included", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const sa = await join(group.id, a);
    const sb = await join(group.id, b);
    sa.send({ type: "send", clientId: "k1", kind: "text", text: "hello" });
    await waitFor(() => receivedSeqs(sa).includes(2) && receivedSeqs(sb).includes(2));
    const ack = sa.frames.find((f) => f.type === "ack");
    expect(ack).toMatchObject({ type: "ack", clientId: "k1", seq: 2 });
    expect(sb.frames.some((f) => f.type === "ack")).toBe(false);
    for (const s of [sa, sb]) {
      expect(receivedEvents(s).at(-1)).toMatchObject({
        seq: 2,
        type: "message",
        text: "hello",
        senderId: a.user.id,
        clientId: "k1",
      });
    }
    // A repeat gets the original ack and creates nothing.
    sa.send({ type: "send", clientId: "k1", kind: "text", text: "hello again" });
    await waitFor(() => sa.frames.filter((f) => f.type === "ack").length === 2);
    const acks = sa.frames.filter((f) => f.type === "ack");
    expect(acks[1]).toEqual(acks[0]);
    expect(await head(group.id, a)).toBe(2);
    sa.close();
    sb.close();
  });

  it("sends typing to the other user only, and read receipts only forward", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    await post(group.id, a.accessToken, "x", "read me");
    const sa = await join(group.id, a);
    const sb = await join(group.id, b);
    sa.send({ type: "typing" });
    await waitFor(() => sb.frames.some((f) => f.type === "typing"));
    expect(sb.frames.find((f) => f.type === "typing")).toEqual({ type: "typing", userId: a.user.id });
    sb.send({ type: "read", seq: 2 });
    await waitFor(() => sa.frames.some((f) => f.type === "receipt"));
    expect(sa.frames.find((f) => f.type === "receipt")).toEqual({ type: "receipt", userId: b.user.id, seq: 2 });
    sb.send({ type: "read", seq: 1 });
    // A later change proves the backwards read was processed without a receipt.
    sb.send({ type: "send", clientId: "after", kind: "text", text: "marker" });
    await waitFor(() => receivedSeqs(sa).includes(3));
    expect(sa.frames.filter((f) => f.type === "receipt")).toHaveLength(1);
    expect(sa.frames.some((f) => f.type === "typing")).toBe(false);
    const again = await join(group.id, b);
    expect(again.frames[0]).toMatchObject({ type: "welcome", readSeq: 2 });
    // Receipts are not replayed: a new socket of the other member learns b's marker from the welcome.
    const other = await join(group.id, a);
    const members = (other.frames[0] as unknown as { members: { userId: string; readSeq: number }[] }).members;
    expect(members.find((m) => m.userId === b.user.id)?.readSeq).toBe(2);
    expect(members.find((m) => m.userId === a.user.id)?.readSeq).toBe(0);
    for (const s of [sa, sb, again, other]) s.close();
  });

  it("answers sends over the rate limit with rate_limited and keeps the socket open", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const sa = await join(group.id, a);
    for (let i = 0; i < 40; i++) sa.send({ type: "send", clientId: `r${i}`, kind: "text", text: `m${i}` });
    await waitFor(() => sa.frames.filter((f) => f.type === "ack" || f.type === "error").length === 40, 10_000);
    const limited = sa.frames.filter((f) => f.type === "error");
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toMatchObject({ type: "error", code: "rate_limited" });
    expect(typeof limited[0]?.clientId).toBe("string");
    sa.send({ type: "sync", after: 0 });
    await waitFor(() => receivedSeqs(sa).filter((s) => s === 1).length === 2);
    expect(sa.ws.readyState).toBe(WebSocket.OPEN);
    sa.close();
  });

  it("fans out REST posts to sockets; a repeated clientId answers 200 with the same seq", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const sb = await join(group.id, b);
    const first = await post(group.id, a.accessToken, "rest-1", "via rest");
    await waitFor(() => receivedSeqs(sb).includes(first.event.seq));
    expect(receivedEvents(sb).at(-1)).toEqual(first.event);
    const repeat = await post(group.id, a.accessToken, "rest-1", "via rest", 200);
    expect(repeat.event.seq).toBe(first.event.seq);
    expect(await head(group.id, a)).toBe(2);
    sb.close();
  });
});

describe("conversation socket: sessions and hibernation", () => {
  it("closeUserSessions closes the sockets of the named sessions with 4001", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const groups = [await makeGroup(a, [b], "one"), await makeGroup(b, [a], "two", { befriendFirst: false })];
    const second = await apiOk<{ accessToken: string }>("/api/auth/login", {
      body: { username: a.user.username, password: a.password },
    });
    const a2 = { ...a, accessToken: second.accessToken };
    const mainSockets = await Promise.all(groups.map((g) => join(g.id, a)));
    const otherSockets = await Promise.all(groups.map((g) => join(g.id, a2)));
    const bSocket = await join(groups[0]?.id ?? "", b);
    const sid = (t: string) =>
      (JSON.parse(atob((t.split(".")[1] ?? "").replaceAll("-", "+").replaceAll("_", "/"))) as { sid: string }).sid;

    await closeUserSessions(env, a.user.id, { except: sid(a.accessToken) });
    for (const s of otherSockets) expect((await s.closed).code).toBe(4001);
    await closeUserSessions(env, a.user.id, { only: sid(a.accessToken) });
    for (const s of mainSockets) expect((await s.closed).code).toBe(4001);
    // b's socket is untouched and still live.
    await post(groups[0]?.id ?? "", b.accessToken, "still", "here");
    await waitFor(() => receivedSeqs(bSocket).includes(2));
    bSocket.close();
  });

  it("POST /api/auth/logout closes that session's sockets with 4001 and leaves other sessions open", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const second = await apiOk<{ accessToken: string }>("/api/auth/login", {
      body: { username: a.user.username, password: a.password },
    });
    const mine = await join(group.id, a);
    const other = await join(group.id, { ...a, accessToken: second.accessToken });
    await apiOk("/api/auth/logout", { method: "POST", token: a.accessToken }, 204);
    expect((await mine.closed).code).toBe(4001);
    await post(group.id, b.accessToken, "ping", "still there?");
    await waitFor(() => receivedSeqs(other).includes(2));
    other.close();
  });

  it("keeps delivering with the right seq after the object is evicted (sockets hibernate, head survives)", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const sa = await join(group.id, a);
    const sb = await join(group.id, b);
    sa.send({ type: "send", clientId: "before", kind: "text", text: "before" });
    await waitFor(() => receivedSeqs(sb).includes(2));

    await evictDurableObject(stubOf(group.id));

    sa.send({ type: "send", clientId: "after", kind: "text", text: "after" });
    await waitFor(() => receivedSeqs(sb).includes(3), 10_000);
    expect(receivedSeqs(sb)).toEqual([1, 2, 3]);
    expect(sa.frames.filter((f) => f.type === "ack").map((f) => f.seq)).toEqual([2, 3]);
    // Idempotency is durable too: the pre-eviction clientId is still known.
    sa.send({ type: "send", clientId: "before", kind: "text", text: "dup" });
    await waitFor(() => sa.frames.filter((f) => f.type === "ack").length === 3);
    expect(sa.frames.filter((f) => f.type === "ack").at(-1)?.seq).toBe(2);
    expect(await head(group.id, a)).toBe(3);
    sa.close();
    sb.close();
  });
});
