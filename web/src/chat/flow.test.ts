import { describe, expect, it } from "vitest";
import { clockTime, dayLabel, flowOf } from "./flow";
import type { TimelineItem } from "./timeline";

const words = { today: "Today", yesterday: "Yesterday" };
const at = (y: number, mo: number, d: number, h = 12, mi = 0, s = 0) => new Date(y, mo, d, h, mi, s).getTime();
const NOW = at(2026, 5, 10, 18);

let seq = 1;
const item = (senderId: string, createdAt: number, extra: Partial<TimelineItem> = {}): TimelineItem => {
  seq += 1;
  return {
    key: `s:${seq}`,
    seq,
    clientId: null,
    senderId,
    kind: "text",
    text: "x",
    createdAt,
    deleted: false,
    reactions: new Map(),
    status: "sent",
    ...extra,
  };
};
const opts = { selfId: "me", unreadAfter: null, now: NOW, locale: "en-US", words };

describe("flowOf", () => {
  it("groups one sender's messages within a minute; a new sender or a later minute starts a new run", () => {
    const items = [
      item("ann", at(2026, 5, 10, 9, 0, 5)),
      item("ann", at(2026, 5, 10, 9, 0, 40)),
      item("ann", at(2026, 5, 10, 9, 1, 2)),
      item("ann", at(2026, 5, 10, 9, 1, 10)),
      item("bob", at(2026, 5, 10, 9, 1, 11)),
      item("ann", at(2026, 5, 10, 9, 1, 12)),
    ];
    const rows = flowOf(items, opts);
    expect(rows.map((r) => r.first)).toEqual([true, false, false, true, true, true]);
    expect(rows.map((r) => r.last)).toEqual([false, false, true, true, true, true]);
  });

  it("puts a separator before the first message of each day, labelled in the reader's language", () => {
    const items = [
      item("ann", at(2025, 11, 31, 23, 59)),
      item("ann", at(2026, 5, 3, 9)),
      item("ann", at(2026, 5, 8, 0, 1)),
      item("ann", at(2026, 5, 9, 9)),
      item("ann", at(2026, 5, 10, 0, 0)),
      item("ann", at(2026, 5, 10, 0, 0, 30)),
    ];
    const rows = flowOf(items, opts);
    expect(rows.map((r) => r.day)).toEqual(["December 31, 2025", "June 3", "Monday", "Yesterday", "Today", null]);
    expect(rows.map((r) => r.first)).toEqual([true, true, true, true, true, false]);
    const zh = flowOf(items.slice(0, 3), { ...opts, locale: "zh-CN", words: { today: "今天", yesterday: "昨天" } });
    expect(zh.map((r) => r.day)).toEqual(["2025年12月31日", "6月3日", "星期一"]);
  });

  it("marks the first message from someone else after the read position", () => {
    const items = [item("ann", at(2026, 5, 10, 9)), item("me", at(2026, 5, 10, 9)), item("ann", at(2026, 5, 10, 9))];
    const [a, mine, b] = items;
    const dividerAt = (readSeq: number | null) =>
      flowOf(items, { ...opts, unreadAfter: readSeq }).map((r) => r.unreadStart);
    expect(dividerAt(null)).toEqual([false, false, false]);
    expect(dividerAt((a?.seq ?? 0) - 1)).toEqual([true, false, false]);
    // One's own messages are never unread: the divider goes to the next one from someone else.
    expect(dividerAt(a?.seq ?? 0)).toEqual([false, false, true]);
    expect(dividerAt(b?.seq ?? 0)).toEqual([false, false, false]);
    expect(mine?.senderId).toBe("me");
    // The divider also starts a new run.
    const run = [item("ann", at(2026, 5, 10, 9)), item("ann", at(2026, 5, 10, 9))];
    const rows = flowOf(run, { ...opts, unreadAfter: run[0]?.seq ?? 0 });
    expect(rows.map((r) => [r.first, r.unreadStart])).toEqual([
      [true, false],
      [true, true],
    ]);
  });

  it("formats times and days with the chosen locale", () => {
    expect(clockTime(at(2026, 5, 10, 7, 54), "zh-CN")).toBe("7:54");
    expect(clockTime(at(2026, 5, 10, 7, 54), "en-US")).toBe("7:54 AM");
    expect(dayLabel(at(2026, 5, 10, 1), NOW, "en-US", words)).toBe("Today");
  });
});
