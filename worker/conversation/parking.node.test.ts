import { describe, expect, it } from "vitest";
import { ParkedInboxes, type ParkingRow, type ParkingStore } from "./parking";

/** The same rows the SQLite table would keep, so a second instance stands for the object after a wake. */
function memoryStore(): ParkingStore & { map: Map<string, ParkingRow> } {
  const map = new Map<string, ParkingRow>();
  return {
    map,
    rows: () => [...map.values()],
    put: (r) => void map.set(r.userId, { ...r }),
  };
}

describe("ParkedInboxes", () => {
  it("parks on an answer, unparks on a refresh, and keeps both across a wake", () => {
    const store = memoryStore();
    const p = new ParkedInboxes(store);
    p.park("bob", 0);
    expect(p.has("bob")).toBe(true);
    expect(p.has("alice")).toBe(false);
    expect(new ParkedInboxes(store).has("bob")).toBe(true);
    p.unpark("bob", 1);
    expect(p.has("bob")).toBe(false);
    expect(new ParkedInboxes(store).has("bob")).toBe(false);
  });

  it("ignores a 'parked' answer that raced a refresh it predates, and honours a later one", () => {
    const store = memoryStore();
    const p = new ParkedInboxes(store);
    p.unpark("bob", 3);
    // The inbox answered at epoch 3 (during its refresh), but the refresh arrived here first.
    p.park("bob", 3);
    expect(p.has("bob")).toBe(false);
    p.park("bob", 2);
    expect(p.has("bob")).toBe(false);
    // The rule holds after a wake too: the refresh epoch is stored.
    new ParkedInboxes(store).park("bob", 3);
    expect(new ParkedInboxes(store).has("bob")).toBe(false);
    // After the refresh the inbox's epoch moved on: a new answer parks again.
    p.park("bob", 4);
    expect(p.has("bob")).toBe(true);
    // An older refresh arriving late does not move the mark back.
    p.unpark("bob", 1);
    p.park("bob", 2);
    expect(p.has("bob")).toBe(false);
  });

  it("forgets the parks of members whose membership changed, keeping their refresh epochs and everyone else's park", () => {
    const store = memoryStore();
    const p = new ParkedInboxes(store);
    p.unpark("bob", 5);
    p.park("bob", 6);
    p.park("carol", 0);
    p.park("dave", 0);
    p.forget(["bob", "carol", "erin"]);
    expect(p.has("bob") || p.has("carol")).toBe(false);
    expect(p.has("dave")).toBe(true);
    const woken = new ParkedInboxes(store);
    expect(woken.has("bob") || woken.has("carol")).toBe(false);
    expect(woken.has("dave")).toBe(true);
    woken.park("bob", 5);
    expect(woken.has("bob")).toBe(false);
    // Written only for who was parked: an unknown id costs no row.
    expect(store.map.has("dave")).toBe(false);
  });

  it("keeps the in-memory park until the change's commit", () => {
    const p = new ParkedInboxes(memoryStore());
    p.park("bob", 0);
    let commit = () => {};
    p.forget(["bob"], (fn) => {
      commit = fn;
    });
    expect(p.has("bob")).toBe(true);
    commit();
    expect(p.has("bob")).toBe(false);
  });
});
