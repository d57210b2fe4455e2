import { describe, expect, it } from "vitest";
import { formatDate, formatTime } from "./time";

describe("formatTime", () => {
  const now = new Date(2026, 11, 6, 20, 0);
  const morning = new Date(2026, 11, 6, 7, 54).getTime();
  it("uses the app's language, not the browser's: no AM/PM in Chinese", () => {
    expect(formatTime(morning, now, "zh-CN")).toBe("07:54");
    expect(formatTime(morning, now, "en")).toBe("07:54");
  });
  it("adds the day for older times", () => {
    const older = new Date(2026, 2, 3, 14, 5).getTime();
    expect(formatTime(older, now, "zh-CN")).toBe("3月3日 14:05");
    expect(formatTime(older, now, "en")).toBe("Mar 3, 14:05");
    expect(formatDate(older, "zh-CN")).toBe("2026年3月3日");
  });
});
