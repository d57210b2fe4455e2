import { describe, expect, it } from "vitest";
import { contentDisposition, isInlineSafe } from "../files/disposition";
import { parseRange } from "../files/range";

describe("parseRange", () => {
  const size = 1000;
  it.each([
    ["bytes=0-99", { kind: "partial", offset: 0, length: 100 }],
    ["bytes=500-", { kind: "partial", offset: 500, length: 500 }],
    ["bytes=-10", { kind: "partial", offset: 990, length: 10 }],
    ["bytes=-5000", { kind: "partial", offset: 0, length: 1000 }],
    ["bytes=990-5000", { kind: "partial", offset: 990, length: 10 }],
    ["bytes=999-999", { kind: "partial", offset: 999, length: 1 }],
    ["BYTES = 1-2", { kind: "partial", offset: 1, length: 2 }],
  ])("%s is a partial range", (header, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });

  it.each(["bytes=1000-", "bytes=1000-1001", "bytes=-0", "bytes=5-4"])("%s is unsatisfiable", (header) => {
    expect(parseRange(header, size)).toEqual({ kind: "unsatisfiable" });
  });

  it.each([null, "items=0-1", "bytes=0-1,5-6", "bytes=a-b", "bytes=-", "bytes="])(
    "%s is answered with the whole body",
    (header) => {
      expect(parseRange(header, size)).toEqual({ kind: "full" });
    },
  );
});

describe("content disposition", () => {
  it("renders only script-free media inline", () => {
    for (const t of ["image/png", "image/jpeg", "image/gif", "image/webp", "audio/mpeg", "video/mp4", "IMAGE/PNG"]) {
      expect(isInlineSafe(t), t).toBe(true);
    }
    for (const t of ["image/svg+xml", "text/html", "application/pdf", "application/octet-stream", "image/bmp", ""]) {
      expect(isInlineSafe(t), t).toBe(false);
    }
  });

  it("encodes the name as an RFC 8187 ext-value", () => {
    expect(contentDisposition("a b(1)*.png", "image/png")).toBe("inline; filename*=UTF-8''a%20b%281%29%2A.png");
    expect(contentDisposition("x.svg", "image/svg+xml")).toBe("attachment; filename*=UTF-8''x.svg");
  });
});
