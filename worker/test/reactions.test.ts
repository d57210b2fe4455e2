// Issue 13, point 3: a reaction is one emoji grapheme, at most 20 distinct per
// message, and no emoji can break the conversation (the "constructor" frame
// used to throw mid-append and brick it).
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import type { ConversationEvent, Message } from "../protocol";
import { join, makeGroup, receivedSeqs, stubOf } from "./conversation-fixtures";
import { apiOk, signUp, waitFor } from "./helpers";

const PROTOTYPE_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty"];
const VALID = ["👨‍👩‍👧‍👦", "🇺🇸", "👍🏽", "#️⃣", "❤️"];
const INVALID = ["👍👍", "ok", "👍 ok", "\uD83D", "", "valueOf"];

/** head, and the log is 1..head with no gap. */
async function expectGapFree(conversationId: string, token: string): Promise<number> {
  const { events, head } = await apiOk<{ events: ConversationEvent[]; head: number }>(
    `/api/conversations/${conversationId}/events?after=0&limit=500`,
    { token },
  );
  expect(events.map((e) => e.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  return head;
}

describe("reactions are emoji", () => {
  it("a react frame with a prototype name gets invalid_request and the conversation keeps working", async () => {
    const [a, b] = [await signUp("ra"), await signUp("rb")];
    const group = await makeGroup(a, [b]);
    const sb = await join(group.id, b);
    const sa = await join(group.id, a);
    sa.send({ type: "send", clientId: "m1", kind: "text", text: "react to me" });
    await waitFor(() => receivedSeqs(sb).includes(2), 5000, "message 2");

    for (const emoji of PROTOTYPE_NAMES) {
      // The reproducer, byte for byte but for the emoji.
      sb.ws.send(`{"type":"react","clientId":"x-${emoji}","target":2,"emoji":${JSON.stringify(emoji)},"on":true}`);
      await waitFor(() => sb.frames.some((f) => f.type === "error" && f.clientId === `x-${emoji}`), 5000, emoji);
      expect(sb.frames.find((f) => f.clientId === `x-${emoji}`)).toMatchObject({ code: "invalid_request" });
    }
    expect(await expectGapFree(group.id, a.accessToken)).toBe(2);

    // Every kind of change still goes through, each at the next seq.
    sb.send({ type: "react", clientId: "ok1", target: 2, emoji: "👍", on: true });
    sa.send({ type: "edit", clientId: "ok2", target: 2, text: "edited" });
    await apiOk(`/api/conversations/${group.id}`, {
      token: a.accessToken,
      method: "PATCH",
      body: { title: "still here" },
    });
    sa.send({ type: "send", clientId: "ok3", kind: "text", text: "after" });
    await waitFor(() => receivedSeqs(sb).includes(6), 5000, "seq 6");
    expect(receivedSeqs(sb)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sb.frames.filter((f) => f.type === "error")).toHaveLength(PROTOTYPE_NAMES.length);
    expect(await expectGapFree(group.id, b.accessToken)).toBe(6);
  });

  it("accepts one emoji of any shape, refuses anything else, and caps a message at 20 distinct", async () => {
    const [a, b] = [await signUp("rc"), await signUp("rd")];
    const group = await makeGroup(a, [b]);
    await runInDurableObject(stubOf(group.id), (obj: ConversationObject) => {
      const react = (userId: string, emoji: string, on = true, clientId = `${userId}-${emoji}-${on}`) =>
        obj.room.change(userId, { type: "react", clientId, target: 2, emoji, on });
      const message = () => obj.room.log.store.getMessage(2) as Message;
      expect(obj.room.change(a.user.id, { type: "send", clientId: "m", kind: "text", text: "hi" })).toMatchObject({
        seq: 2,
      });

      for (const emoji of VALID) expect(react(b.user.id, emoji), emoji).toMatchObject({ ok: true });
      expect(Object.keys(message().reactions)).toEqual(VALID);
      // The log's own check, for every path into it (RPC included), not only the frame schema.
      for (const emoji of [...INVALID, ...PROTOTYPE_NAMES]) {
        expect(react(b.user.id, emoji), JSON.stringify(emoji)).toMatchObject({ ok: false, code: "invalid_request" });
      }

      // 20 distinct: 15 more after the 5 above.
      const more = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰"];
      for (const emoji of more) expect(react(a.user.id, emoji), emoji).toMatchObject({ ok: true });
      expect(Object.keys(message().reactions)).toHaveLength(20);
      expect(react(a.user.id, "🙂")).toMatchObject({ ok: false, code: "invalid_request" });
      // Joining an existing one and taking one back stay allowed at the cap; then there is room again.
      expect(react(a.user.id, "❤️")).toMatchObject({ ok: true });
      expect(react(b.user.id, "❤️", false)).toMatchObject({ ok: true });
      expect(react(a.user.id, "❤️", false)).toMatchObject({ ok: true });
      expect(Object.keys(message().reactions)).toHaveLength(19);
      expect(react(a.user.id, "🙂", true, "again")).toMatchObject({ ok: true });
      expect(Object.keys(message().reactions)).toHaveLength(20);

      const { head } = obj.room.log;
      const stored = obj.room.log.store.eventsAfter(0, head, 500).map((e) => e.seq);
      expect(stored).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    });
  });

  it("reactions stored under prototype names (before this rule) read back as plain data and fold", async () => {
    const [a, b] = [await signUp("re"), await signUp("rf")];
    const group = await makeGroup(a, [b]);
    await runInDurableObject(stubOf(group.id), (obj: ConversationObject, state) => {
      obj.room.change(a.user.id, { type: "send", clientId: "m", kind: "text", text: "old" });
      state.storage.sql.exec(
        "UPDATE messages SET reactions_json = ? WHERE seq = 2",
        '{"__proto__":["u1"],"constructor":["u2"]}',
      );
      const before = obj.room.log.store.getMessage(2);
      expect(Object.hasOwn(before?.reactions ?? {}, "__proto__")).toBe(true);
      expect(Object.getPrototypeOf(before?.reactions)).toBe(Object.prototype);
      expect(
        obj.room.change(b.user.id, { type: "react", clientId: "r", target: 2, emoji: "👍", on: true }),
      ).toMatchObject({ ok: true });
      expect(JSON.stringify(obj.room.log.store.getMessage(2)?.reactions)).toBe(
        `{"__proto__":["u1"],"constructor":["u2"],"👍":["${b.user.id}"]}`,
      );
    });
  });
});
