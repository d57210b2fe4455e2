import { describe, expect, it } from "vitest";
import { ParkedInboxes } from "./parking";

describe("ParkedInboxes", () => {
  it("parks on an answer and unparks on a refresh", () => {
    const p = new ParkedInboxes();
    p.park("bob", 0);
    expect(p.has("bob")).toBe(true);
    expect(p.has("alice")).toBe(false);
    p.unpark("bob", 1);
    expect(p.has("bob")).toBe(false);
  });

  it("ignores a 'parked' answer that raced a refresh it predates, and honours a later one", () => {
    const p = new ParkedInboxes();
    p.unpark("bob", 3);
    // The inbox answered at epoch 3 (during its refresh), but the refresh arrived here first.
    p.park("bob", 3);
    expect(p.has("bob")).toBe(false);
    p.park("bob", 2);
    expect(p.has("bob")).toBe(false);
    // After the refresh the inbox's epoch moved on: a new answer parks again.
    p.park("bob", 4);
    expect(p.has("bob")).toBe(true);
    // An older refresh arriving late does not move the mark back.
    p.unpark("bob", 1);
    p.park("bob", 2);
    expect(p.has("bob")).toBe(false);
  });

  it("forgets every park when membership changes", () => {
    const p = new ParkedInboxes();
    p.park("bob", 0);
    p.park("carol", 0);
    p.clear();
    expect(p.has("bob") || p.has("carol")).toBe(false);
  });
});
