// The idempotency pre-check answers "new clientId" from memory (client-ids.ts);
// a retry must still find its original event, also after the object lost its memory.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import { SqliteLogStore } from "../conversation/sqlite-store";
import { makeGroup, stubOf } from "./conversation-fixtures";
import { signUp } from "./helpers";

describe("idempotency with the in-memory clientId cache", () => {
  it("a repeated clientId gets its original event, from this instance and from a fresh store (a wake)", async () => {
    const [a, b] = [await signUp("ia"), await signUp("ib")];
    const group = await makeGroup(a, [b]);
    await runInDurableObject(stubOf(group.id), (obj: ConversationObject, state) => {
      const first = obj.room.change(a.user.id, { type: "send", clientId: "c1", kind: "text", text: "one" });
      if (!first.ok) throw new Error(first.message);
      const again = obj.room.change(a.user.id, { type: "send", clientId: "c1", kind: "text", text: "changed" });
      expect(again).toMatchObject({ ok: true, repeated: true, seq: first.seq });
      // The same clientId from another sender is a different change.
      const other = obj.room.change(b.user.id, { type: "send", clientId: "c1", kind: "text", text: "b" });
      expect(other).toMatchObject({ ok: true, repeated: false, seq: first.seq + 1 });

      const woken = new SqliteLogStore(state.storage);
      expect(woken.findByClientId(a.user.id, "c1")?.seq).toBe(first.seq);
      expect(woken.findByClientId(b.user.id, "c1")?.seq).toBe(first.seq + 1);
      expect(woken.findByClientId(a.user.id, "c2")).toBeNull();
    });
  });
});
