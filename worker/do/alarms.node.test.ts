import { describe, expect, it } from "vitest";
import { ALARM_RETRY_MS, type AlarmHandler, AlarmScheduler, type AlarmStorage } from "./alarms";

/** The platform's one alarm per object, as storage keeps it across incarnations. */
class FakeStorage implements AlarmStorage {
  alarm: number | null = null;
  sets = 0;
  async getAlarm() {
    return this.alarm;
  }
  async setAlarm(at: number) {
    this.sets += 1;
    this.alarm = at;
  }
}

function make(storage: FakeStorage, clock: { now: number }, next: Partial<Record<"a" | "b", number | null>> = {}) {
  const ran: string[] = [];
  const handler =
    (name: "a" | "b"): AlarmHandler =>
    () => {
      ran.push(name);
      return next[name] ?? null;
    };
  const alarms = new AlarmScheduler<"a" | "b">(
    storage,
    new Map([
      ["a", handler("a")],
      ["b", handler("b")],
    ]),
    () => clock.now,
  );
  return { alarms, ran };
}

/** The platform firing the alarm: it is no longer stored while the handler runs. */
async function fire(storage: FakeStorage, alarms: AlarmScheduler<"a" | "b">) {
  storage.alarm = null;
  await alarms.run();
}

describe("AlarmScheduler", () => {
  it("keeps the platform alarm at the earliest request and runs only the due concerns", async () => {
    const storage = new FakeStorage();
    const clock = { now: 0 };
    const { alarms, ran } = make(storage, clock);
    await alarms.schedule("b", 500);
    await alarms.schedule("a", 100);
    await alarms.schedule("b", 900); // later than b's own request: b stays at 500
    expect(storage.alarm).toBe(100);
    clock.now = 100;
    await fire(storage, alarms);
    expect(ran).toEqual(["a"]);
    expect(storage.alarm).toBe(500);
    clock.now = 500;
    await fire(storage, alarms);
    expect(ran).toEqual(["a", "b"]);
    expect(storage.alarm).toBeNull();
  });

  it("re-arms a concern at the time its handler returns", async () => {
    const storage = new FakeStorage();
    const clock = { now: 0 };
    const { alarms } = make(storage, clock, { a: 250 });
    await alarms.schedule("a", 100);
    clock.now = 100;
    await fire(storage, alarms);
    expect(alarms.at("a")).toBe(250);
    expect(storage.alarm).toBe(250);
  });

  it("after a restart never replaces a stored earlier alarm with a later one, and runs every concern when it fires", async () => {
    const storage = new FakeStorage();
    const clock = { now: 0 };
    await make(storage, clock).alarms.schedule("a", 100);
    // A new incarnation (hibernation, eviction) that knows nothing of "a".
    const { alarms, ran } = make(storage, clock);
    await alarms.schedule("b", 400);
    expect(storage.alarm).toBe(100);
    clock.now = 100;
    await fire(storage, alarms);
    // Nothing it knows is due at 100, so it cannot tell whose alarm this was: everyone checks.
    expect(ran).toEqual(["a", "b"]);
  });

  it("runs a concern whose handler threw again after a pause, and still runs the others", async () => {
    const storage = new FakeStorage();
    const clock = { now: 0 };
    const ran: string[] = [];
    const alarms = new AlarmScheduler<"a" | "b">(
      storage,
      new Map<"a" | "b", AlarmHandler>([
        [
          "a",
          () => {
            throw new Error("D1 down");
          },
        ],
        ["b", () => void ran.push("b")],
      ]),
      () => clock.now,
    );
    await alarms.schedule("a", 10);
    await alarms.schedule("b", 10);
    clock.now = 10;
    await fire(storage, alarms);
    expect(ran).toEqual(["b"]);
    expect(alarms.at("a")).toBe(10 + ALARM_RETRY_MS);
    expect(storage.alarm).toBe(10 + ALARM_RETRY_MS);
  });
});
