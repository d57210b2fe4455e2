import { describe, expect, it } from "vitest";
import type { ConversationEvent } from "../../../worker/protocol";
import { applyPinEvents, nextPinIndex, pinAt } from "./pins";

const base = { conversationId: "c", senderId: "u1", createdAt: 100 };
const pin = (seq: number, target: number, on: boolean): ConversationEvent => ({
  ...base,
  seq,
  type: "pin",
  target,
  on,
});

describe("pins", () => {
  it("follow pin events and deletes, each message once, oldest pin first", () => {
    const start = [{ seq: 3, pinnedBy: "u2", pinnedAt: 50 }];
    const after = applyPinEvents(start, [
      pin(10, 5, true),
      pin(11, 5, true),
      pin(12, 7, true),
      pin(13, 3, false),
      { ...base, seq: 14, type: "delete", target: 7 },
    ]);
    expect(after).toEqual([{ seq: 5, pinnedBy: "u1", pinnedAt: 100 }]);
    // Nothing to do leaves the same list (no re-render).
    expect(applyPinEvents(after, [pin(15, 9, false)])).toBe(after);
  });

  it("cycle from the newest to older ones and wrap around", () => {
    const pins = [1, 2, 3].map((seq) => ({ seq, pinnedBy: "u", pinnedAt: seq }));
    expect(pinAt(pins, 0)?.pin.seq).toBe(3);
    expect(pinAt(pins, nextPinIndex(0, 3))?.pin.seq).toBe(2);
    expect(nextPinIndex(2, 3)).toBe(0);
    expect(pinAt(pins, 7)).toMatchObject({ index: 2, pin: { seq: 1 } });
    expect(pinAt([], 0)).toBeNull();
  });
});
