import { describe, expect, it } from "vitest";
import { isReactionEmoji } from "../../../worker/protocol";
import { GRID_EMOJI, QUICK_REACTIONS } from "./emoji-choices";

describe("the emoji the client offers", () => {
  it("are each one emoji by the contract's reaction rule", () => {
    for (const emoji of [...QUICK_REACTIONS, ...GRID_EMOJI]) expect(isReactionEmoji(emoji), emoji).toBe(true);
  });
});
