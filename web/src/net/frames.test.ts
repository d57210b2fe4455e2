import { describe, expect, it } from "vitest";
import { parseServerFrame } from "./frames";

const welcome = (extra: Record<string, unknown>) =>
  JSON.stringify({
    type: "welcome",
    head: 3,
    readSeq: 1,
    members: [{ userId: "u_owner", role: "owner", online: false, readSeq: 0 }],
    protocol: 1,
    ...extra,
  });

describe("welcome frame", () => {
  it("keeps a large group's memberCount, which the listed members fall short of", () => {
    expect(parseServerFrame(welcome({ memberCount: 1201 }))).toMatchObject({ memberCount: 1201, members: [{}] });
  });

  it("counts the list when an older server sent no memberCount (it listed everyone)", () => {
    expect(parseServerFrame(welcome({}))).toMatchObject({ type: "welcome", memberCount: 1 });
  });

  it("refuses a memberCount that is not a count", () => {
    expect(parseServerFrame(welcome({ memberCount: -1 }))).toBeNull();
    expect(parseServerFrame(welcome({ memberCount: "many" }))).toBeNull();
  });
});
