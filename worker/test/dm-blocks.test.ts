// Issue 14, point 2: a block holds in an existing DM, both ways, from the
// moment PUT answers: no send, edit, react, typing or receipt passes (REST
// 403, socket error `forbidden`), each sees the other offline, history stays
// readable, neither can add the other to a group; unblocking restores the DM.
import { describe, expect, it } from "vitest";
import type { Message } from "../protocol";
import { answerTo, expectError, join, makeGroup } from "./conversation-fixtures";
import { api, apiOk, befriend, openDm, signUp, type TestSocket, type TestUser, waitFor } from "./helpers";

const block = (by: TestUser, who: TestUser) =>
  apiOk(`/api/blocks/${who.user.id}`, { method: "PUT", token: by.accessToken }, 204);
const unblock = (by: TestUser, who: TestUser) =>
  apiOk(`/api/blocks/${who.user.id}`, { method: "DELETE", token: by.accessToken }, 204);
const post = (u: TestUser, dm: string, text: string) =>
  api(`/api/conversations/${dm}/messages`, {
    token: u.accessToken,
    body: { clientId: crypto.randomUUID(), kind: "text", text },
  });
const history = async (u: TestUser, dm: string) =>
  (await apiOk<{ messages: Message[] }>(`/api/conversations/${dm}/messages`, { token: u.accessToken })).messages;

/** What the socket's welcome showed of `peer`. */
function peerInWelcome(s: TestSocket, peer: TestUser): { online: boolean; readSeq: number } | undefined {
  const welcome = s.frames.find((f) => f.type === "welcome");
  const members = Array.isArray(welcome?.members)
    ? (welcome.members as { userId: string; online: boolean; readSeq: number }[])
    : [];
  return members.find((m) => m.userId === peer.user.id);
}
const peerOnline = (s: TestSocket, peer: TestUser) => peerInWelcome(s, peer)?.online;

const fromPeer = (s: TestSocket, peer: TestUser, since: number) =>
  s.frames
    .slice(since)
    .filter(
      (f) =>
        ((f.type === "typing" || f.type === "receipt") && f.userId === peer.user.id) ||
        (f.type === "events" && (f.events as { senderId: string }[]).some((e) => e.senderId === peer.user.id)),
    );

describe("a block in an existing DM", () => {
  it("stops every new change both ways at once, keeps history, and unblocking restores the DM", async () => {
    const [a, b] = await Promise.all([signUp("dba"), signUp("dbb")]);
    await befriend(a, b);
    const dm = (await openDm(a, b)).id;
    expect((await post(a, dm, "before")).status).toBe(201);
    const [sa, sb] = [await join(dm, a), await join(dm, b)];
    const target = (await history(a, dm))[0]?.seq ?? 0;
    // Control: before the block, each sees the other online.
    const before = await join(dm, a);
    expect(peerOnline(before, b)).toBe(true);
    before.close();

    await block(a, b);
    const [markA, markB] = [sa.frames.length, sb.frames.length];

    // REST: both sides refused.
    await expectError(await post(b, dm, "from b"), 403, "forbidden");
    await expectError(await post(a, dm, "from a"), 403, "forbidden");
    // Socket: send, edit and react refused on both sides with `forbidden`.
    for (const [s, frame] of [
      [sb, { type: "send", kind: "text", text: "b by socket" }],
      [sa, { type: "send", kind: "text", text: "a by socket" }],
      [sa, { type: "edit", target, text: "edited" }],
      [sb, { type: "react", target, emoji: "👍", on: true }],
      [sa, { type: "react", target, emoji: "👍", on: true }],
    ] as const) {
      expect(await answerTo(s, frame)).toMatchObject({ type: "error", code: "forbidden" });
    }
    // Typing is refused too; a read moves the reader's own marker but sends no receipt.
    sa.send({ type: "typing" });
    sb.send({ type: "typing" });
    sb.send({ type: "read", seq: target });
    await waitFor(() => sa.frames.slice(markA).some((f) => f.type === "error" && f.clientId === undefined));
    await waitFor(() => sb.frames.slice(markB).some((f) => f.type === "error" && f.clientId === undefined));
    // A fresh socket of A: the last answer B's socket got came after B's read was handled.
    expect(await answerTo(sb, { type: "send", kind: "text", text: "last" })).toMatchObject({ code: "forbidden" });
    const after = await join(dm, a);
    expect(peerOnline(after, b)).toBe(false);
    // B's read during the block is no receipt at A, not even in a fresh welcome.
    expect(peerInWelcome(after, b)?.readSeq).toBe(0);

    // History stays readable on both sides, unchanged.
    expect((await history(a, dm)).map((m) => m.text)).toEqual(["before"]);
    expect((await history(b, dm)).map((m) => m.text)).toEqual(["before"]);
    expect((await apiOk<{ head: number }>(`/api/conversations/${dm}/events`, { token: b.accessToken })).head).toBe(
      target,
    );

    // Unblocking restores the DM (not the friendship): B's send reaches A.
    await unblock(a, b);
    expect(await answerTo(sb, { type: "send", kind: "text", text: "after" })).toMatchObject({ type: "ack" });
    await waitFor(() => fromPeer(sa, b, 0).length > 0, 5000, "B's message at A");
    // Nothing from the blocked period reached the other side: B's first frame at A is this message.
    const reached = fromPeer(sa, b, markA);
    expect(reached).toHaveLength(1);
    expect(reached[0]?.type).toBe("events");
    expect(fromPeer(sb, a, markB)).toEqual([]);
    expect((await post(a, dm, "a again")).status).toBe(201);
    for (const s of [sa, sb, after]) s.close();
  });

  it("holds while either side still blocks, and neither can add the other to a group", async () => {
    const [a, b, c] = await Promise.all([signUp("dba"), signUp("dbb"), signUp("dbc")]);
    await befriend(a, b);
    const dm = (await openDm(a, b)).id;
    await block(a, b);
    await block(b, a);
    await unblock(a, b);
    await expectError(await post(a, dm, "still"), 403, "forbidden");
    await unblock(b, a);
    expect((await post(a, dm, "now")).status).toBe(201);

    await block(b, a);
    const ga = await makeGroup(a, [c], "a's group");
    const gb = await makeGroup(b, [c], "b's group");
    for (const [g, by, who] of [
      [ga, a, b],
      [gb, b, a],
    ] as const) {
      const res = await api(`/api/conversations/${g.id}/members`, {
        token: by.accessToken,
        body: { userIds: [who.user.id] },
      });
      await expectError(res, 403, "forbidden");
    }
  });
});
