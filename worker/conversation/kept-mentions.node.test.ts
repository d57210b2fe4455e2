import { describe, expect, it } from "vitest";
import { Limits } from "../protocol";
import { mentionToken } from "../shared/mentions";
import { keptMentions, type MentionContext } from "./kept-mentions";
import { NO_FACTS } from "./prefetch";

const members = new Map([
  ["alice", "owner"],
  ["bob", "member"],
  ["carol", "member"],
]);
const group: MentionContext = { senderId: "alice", kind: "group", members };
const at = (...ids: string[]) => ids.map((id) => mentionToken(id, id)).join(" ");
const checked = (asked: string[], blocked: string[] = []) => ({
  ...NO_FACTS,
  mentionBlocks: { checked: new Set(asked), blocked: new Set(blocked) },
});

describe("keptMentions", () => {
  it("keeps other members in order, dropping the sender, non-members and blocked users", () => {
    const text = `${at("carol", "alice", "mallory", "bob")} hi`;
    expect(keptMentions(text, group, checked(["carol", "bob"]))).toEqual(["carol", "bob"]);
    expect(keptMentions(text, group, checked(["carol", "bob"], ["bob"]))).toEqual(["carol"]);
  });

  it("needs no lookup in a DM (a block there refuses the send whole) or for text without members", () => {
    expect(keptMentions(at("bob"), { ...group, kind: "dm" }, NO_FACTS)).toEqual(["bob"]);
    expect(keptMentions(at("mallory", "alice"), group, NO_FACTS)).toEqual([]);
    expect(keptMentions("no tokens", group, NO_FACTS)).toEqual([]);
    expect(keptMentions(undefined, group, NO_FACTS)).toEqual([]);
  });

  it("refuses a group text whose members were not all checked for blocks (D1 failed, or one joined since)", () => {
    expect(keptMentions(at("bob"), group, NO_FACTS)).toMatchObject({ ok: false, code: "invalid_request" });
    expect(keptMentions(at("bob", "carol"), group, checked(["bob"]))).toMatchObject({ ok: false });
  });

  it(`refuses more than ${Limits.mentionsPerMessageMax} distinct ids, members or not`, () => {
    const many = Array.from({ length: Limits.mentionsPerMessageMax + 1 }, (_, i) => `u${i}`);
    expect(keptMentions(at(...many), group, NO_FACTS)).toMatchObject({ ok: false, code: "invalid_request" });
    // Repeats of one id are one mention.
    expect(keptMentions(at(...Array(30).fill("bob")), group, checked(["bob"]))).toEqual(["bob"]);
  });
});
