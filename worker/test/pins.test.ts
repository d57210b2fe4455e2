// Issue 17, pinned messages: `pin` events in the log (admin+ in a group,
// either member of a DM), the current pins in the welcome and over REST, at
// most Limits.pinnedMessagesMax of them, and a deleted message unpinned.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import { type ConversationEvent, Limits, type Message, type Pin } from "../protocol";
import { answerTo, expectError, join, makeGroup, receivedEvents, stubOf } from "./conversation-fixtures";
import { api, apiOk, befriend, openDm, signUp, type TestSocket, type TestUser, waitFor } from "./helpers";

const say = async (u: TestUser, conversationId: string, text: string) =>
  (
    await apiOk<{ event: ConversationEvent }>(
      `/api/conversations/${conversationId}/messages`,
      { token: u.accessToken, body: { clientId: crypto.randomUUID(), kind: "text", text } },
      201,
    )
  ).event.seq;
const pin = (s: TestSocket, target: number, on = true) => answerTo(s, { type: "pin", target, on });
const welcomePins = (s: TestSocket) => (s.frames.find((f) => f.type === "welcome")?.pins as Pin[]) ?? null;
const pinsOver = async (u: TestUser, conversationId: string) =>
  (
    await apiOk<{ pins: (Pin & { message: Message })[] }>(`/api/conversations/${conversationId}/pins`, {
      token: u.accessToken,
    })
  ).pins;

describe("pinned messages", () => {
  it("in a group only admins and the owner pin; in a DM either member does", async () => {
    const [owner, admin, member] = await Promise.all([signUp("pno"), signUp("pna"), signUp("pnm")]);
    const group = await makeGroup(owner, [admin, member]);
    await apiOk(`/api/conversations/${group.id}/members/${admin.user.id}`, {
      method: "PATCH",
      token: owner.accessToken,
      body: { role: "admin" },
    });
    const seq = await say(member, group.id, "the rules");
    const sm = await join(group.id, member);
    expect(await pin(sm, seq)).toMatchObject({ type: "error", code: "forbidden" });
    const sa = await join(group.id, admin);
    expect((await pin(sa, seq)).type).toBe("ack");
    expect(await pin(sa, seq)).toMatchObject({ type: "error", code: "conflict" });
    expect(await pin(sm, seq, false)).toMatchObject({ type: "error", code: "forbidden" });
    const so = await join(group.id, owner);
    expect((await pin(so, seq, false)).type).toBe("ack");
    expect(await pin(so, seq, false)).toMatchObject({ type: "error", code: "conflict" });
    expect(await pin(so, 9999)).toMatchObject({ type: "error", code: "not_found" });
    for (const s of [sm, sa, so]) s.close();

    const [a, b] = await Promise.all([signUp("pda"), signUp("pdb")]);
    await befriend(a, b);
    const dm = await openDm(a, b);
    const mine = await say(a, dm.id, "mine");
    const sb = await join(dm.id, b);
    expect((await pin(sb, mine)).type).toBe("ack");
    sb.close();
    // A block stops pins too, as every other change.
    await apiOk(`/api/blocks/${a.user.id}`, { method: "PUT", token: b.accessToken }, 204);
    const sa2 = await join(dm.id, a);
    expect(await pin(sa2, mine, false)).toMatchObject({ type: "error", code: "forbidden" });
    sa2.close();
  });

  it("are events of the log: replay and history carry them, the welcome and GET /pins list the current ones", async () => {
    const [a, b] = await Promise.all([signUp("pla"), signUp("plb")]);
    const group = await makeGroup(a, [b]);
    const [one, two] = [await say(b, group.id, "first"), await say(b, group.id, "second")];
    const s = await join(group.id, a);
    const p1 = await pin(s, one);
    const p2 = await pin(s, two);
    await pin(s, one, false);
    s.close();

    const replay = await join(group.id, b);
    expect(welcomePins(replay)).toEqual([{ seq: two, pinnedBy: a.user.id, pinnedAt: p2.createdAt }]);
    await waitFor(() => receivedEvents(replay).some((e) => e.seq === p2.seq) && receivedEvents(replay).length >= 6);
    const pinEvents = receivedEvents(replay).filter((e) => e.type === "pin");
    expect(pinEvents.map((e) => [e.type === "pin" && e.target, e.type === "pin" && e.on])).toEqual([
      [one, true],
      [two, true],
      [one, false],
    ]);
    expect(pinEvents[0]).toMatchObject({ seq: p1.seq, senderId: a.user.id });
    replay.close();
    const { events } = await apiOk<{ events: ConversationEvent[] }>(`/api/conversations/${group.id}/events`, {
      token: b.accessToken,
    });
    expect(events.filter((e) => e.type === "pin")).toHaveLength(3);
    const listed = await pinsOver(b, group.id);
    expect(listed).toMatchObject([{ seq: two, pinnedBy: a.user.id, message: { seq: two, text: "second" } }]);

    // Only members see them.
    const outsider = await signUp("plo");
    await expectError(
      await api(`/api/conversations/${group.id}/pins`, { token: outsider.accessToken }),
      403,
      "forbidden",
    );
  });

  it("deleting a pinned message unpins it, in the same change", async () => {
    const [a, b] = await Promise.all([signUp("pxa"), signUp("pxb")]);
    const group = await makeGroup(a, [b]);
    const seq = await say(b, group.id, "soon gone");
    const keep = await say(b, group.id, "stays");
    const s = await join(group.id, a);
    await pin(s, seq);
    await pin(s, keep);
    expect((await answerTo(s, { type: "delete", target: seq })).type).toBe("ack");
    expect(await pin(s, seq, false)).toMatchObject({ type: "error", code: "not_found" });
    expect(await pin(s, seq)).toMatchObject({ type: "error", code: "not_found" });
    s.close();
    expect((await pinsOver(b, group.id)).map((p) => p.seq)).toEqual([keep]);
    const again = await join(group.id, b);
    expect(welcomePins(again)?.map((p) => p.seq)).toEqual([keep]);
    again.close();
  });

  it(`keeps at most ${Limits.pinnedMessagesMax} pinned messages per conversation`, async () => {
    const [a, b] = await Promise.all([signUp("pba"), signUp("pbb")]);
    const group = await makeGroup(a, [b]);
    // Seeded through the log itself: fifty-one messages and fifty pins without waiting out the send budget.
    const seqs = await runInDurableObject(stubOf(group.id), (obj: ConversationObject) => {
      const out: number[] = [];
      for (let i = 0; i <= Limits.pinnedMessagesMax; i++) {
        const sent = obj.room.log.apply(a.user.id, { type: "send", clientId: `m${i}`, kind: "text", text: `${i}` });
        if (!sent.ok) throw new Error(sent.message);
        out.push(sent.seq);
        if (i === Limits.pinnedMessagesMax) break;
        const pinned = obj.room.log.apply(a.user.id, { type: "pin", clientId: `p${i}`, target: sent.seq, on: true });
        if (!pinned.ok) throw new Error(pinned.message);
      }
      return out;
    });
    const last = seqs.at(-1) ?? 0;
    const s = await join(group.id, a);
    expect(welcomePins(s)).toHaveLength(Limits.pinnedMessagesMax);
    expect(await pin(s, last)).toMatchObject({ type: "error", code: "conflict" });
    // Unpinning one makes room again.
    expect((await pin(s, seqs[0] ?? 0, false)).type).toBe("ack");
    expect((await pin(s, last)).type).toBe("ack");
    s.close();
    expect(await pinsOver(a, group.id)).toHaveLength(Limits.pinnedMessagesMax);
  });
});
