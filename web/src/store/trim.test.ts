import { describe, expect, it } from "vitest";
import type { TimelineItem } from "../chat/timeline";
import { newestItems } from "./trim";

const item = (seq: number | null, status: TimelineItem["status"] = "sent"): TimelineItem => ({
  key: `k${seq}`,
  seq,
  clientId: null,
  senderId: "u",
  kind: "text",
  text: "x",
  createdAt: 0,
  deleted: false,
  reactions: new Map(),
  status,
});

describe("newestItems", () => {
  it("keeps the newest acked items in seq order and drops pending ones", () => {
    const items = [item(5), item(2), item(null, "pending"), item(9), item(7), item(3, "failed")];
    expect(newestItems(items, 3).map((i) => i.seq)).toEqual([5, 7, 9]);
    expect(newestItems(items, 10).map((i) => i.seq)).toEqual([2, 5, 7, 9]);
  });
});
