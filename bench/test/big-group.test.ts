import { describe, expect, it } from "vitest";
import { GroupProbe, spread } from "../lib/big-group-probe.mjs";
import { bigGroupGoals, bigGroupReport } from "../lib/big-group-report.mjs";
import { decodeInbox } from "../lib/frames.mjs";
import { hubBlocks } from "../lib/seed.mjs";

describe("big-group sampling and seeding shape", () => {
  it("samples evenly over the whole join order, always with the first member", () => {
    const ids = Array.from({ length: 10 }, (_, i) => i);
    expect(spread(ids, 3)).toEqual([0, 3, 6]);
    expect(spread(ids, 20)).toEqual(ids);
  });

  it("gives the owner the first block and every later block its own hub, no hub above its friend count", () => {
    const blocks = hubBlocks(
      Array.from({ length: 8 }, (_, i) => i),
      3,
    );
    expect(blocks).toEqual([
      { hub: 0, members: [1, 2, 3] },
      { hub: 4, members: [5, 6] },
      { hub: 7, members: [] },
    ]);
  });
});

describe("decodeInbox", () => {
  it("reads a summary's conversation id and lastSeq, and counts what it cannot read", () => {
    expect(decodeInbox('{"type":"conversation","conversation":{"id":"c_1","lastSeq":7,"unread":2}}')).toEqual({
      t: "conversation",
      id: "c_1",
      lastSeq: 7,
    });
    expect(decodeInbox('{"type":"welcome","conversations":[],"friends":[]}')).toEqual({ t: "welcome" });
    expect(decodeInbox('{"type":"presence","userId":"u","status":"online"}')).toEqual({ t: "other" });
    expect(decodeInbox('{"type":"conversation","conversation":{"id":"c_1"}}').t).toBe("unknown");
    expect(decodeInbox("{nope").t).toBe("unknown");
  });
});

/** Two messages (seq 10 and 11) sent at 0 and 100 ms, two live sockets, three inboxes. */
function probeWithTraffic() {
  const probe = new GroupProbe({ name: "x", tag: "t", messages: 2, live: 2, online: 3 });
  probe.onSend(0, 0);
  probe.onSend(1, 100);
  probe.onAck(0, 10, 5);
  probe.onAck(1, 11, 108);
  for (const c of [0, 1]) {
    probe.onLive(c, 0, 6 + c);
    probe.onLive(c, 1, 110 + c);
  }
  probe.onLive(0, 0, 50); // a repeat
  // Inbox 0 sees each message; inbox 1 only a summary that already carries both (coalesced);
  // inbox 2 only the first one.
  probe.onInbox(0, 10, 20);
  probe.onInbox(0, 11, 130);
  probe.onInbox(1, 11, 300);
  probe.onInbox(2, 10, 40);
  return probe;
}

describe("GroupProbe", () => {
  it("times each inbox by the first summary that carries the message, and counts what never came", () => {
    const probe = probeWithTraffic();
    expect(probe.messageIndex(probe.clientId(1))).toBe(1);
    expect(probe.messageIndex("t-y-1")).toBe(-1);
    expect(probe.settled()).toBe(false);
    const s = probe.summary();
    expect(s.ackMs).toMatchObject({ count: 2, p50: 5, max: 8 });
    expect(s.liveMs).toMatchObject({ count: 4, p50: 7, max: 11 });
    expect(s.duplicates).toBe(1);
    // inbox samples: message 0 -> 20, 300, 40; message 1 -> 30, 200, (never)
    expect(s.inboxMs).toMatchObject({ count: 5, p50: 40, max: 300 });
    expect(s.missing).toEqual({ acks: 0, live: 0, inbox: 1 });
    expect(s.perMessageLastInboxMs).toEqual([300, null]);
    expect(s.perMessageInboxes).toEqual([3, 2]);
    expect(s.inboxesWithoutAny).toBe(0);
    probe.onInbox(2, 11, 150);
    expect(probe.settled()).toBe(true);
    expect(probe.summary().perMessageLastInboxMs).toEqual([300, 200]);
  });

  it("does not count a message nobody acked as reached, whatever the inboxes say", () => {
    const probe = new GroupProbe({ name: "x", tag: "t", messages: 1, live: 1, online: 1 });
    probe.onSend(0, 0);
    probe.onInbox(0, 99, 10);
    expect(probe.summary().missing).toEqual({ acks: 1, live: 1, inbox: 1 });
  });
});

const phase = (over: Record<string, unknown>) => ({
  members: 2,
  online: 2,
  live: 2,
  ackMs: { p50: 10, p99: 20 },
  liveMs: { p50: 10, p99: 20, max: 25 },
  inboxMs: { p50: 50, p99: 100, max: 120 },
  lastInboxMs: { p50: 90 },
  warmUp: { coldLastInboxMs: 150 },
  missing: { acks: 0, live: 0, inbox: 0 },
  serverCpuSeconds: 0.5,
  loadAverage: [1.2, 1.5],
  ...over,
});

describe("big-group report", () => {
  const result = {
    route: "direct to the Worker's workerd",
    online: 1000,
    live: 50,
    messages: 10,
    spacingMs: 1000,
    delayVar: "INBOX_CALL_DELAY_MS",
    sizes: [2, 1000, 10000],
    seed: { users: 1000, registerMs: 40000, buildMs: { 2: 500, 1000: 60000, 10000: 3000 } },
    passes: [
      {
        delayMs: 0,
        sizes: {
          2: phase({}),
          1000: phase({ members: 1000, online: 1000, live: 50, inboxMs: { p50: 200, p99: 280, max: 300 } }),
          10000: { error: 'the Worker refused an add with "group is full"' },
        },
      },
      {
        delayMs: 20,
        sizes: {
          2: phase({ ackMs: { p50: 10, p99: 20 } }),
          1000: phase({
            members: 1000,
            online: 1000,
            live: 50,
            ackMs: { p50: 25, p99: 30 },
            inboxMs: { p50: 900, p99: 1500, max: 1600 },
          }),
          10000: { error: 'the Worker refused an add with "group is full"' },
        },
      },
    ],
  };

  it("puts every size plain and delayed side by side, with the ratio to the 2-member group and what was not measured", () => {
    const text = bigGroupReport(result);
    const lines = text.split("\n");
    expect(lines[1]).toMatch(
      /2 plain\s+2 \+20 ms\/call\s+1,000 plain\s+1,000 \+20 ms\/call\s+10,000 plain\s+10,000 \+20 ms\/call$/,
    );
    expect(lines.find((l) => l.startsWith("every inbox updated p99 ms"))).toMatch(/100\s+100\s+280\s+1,500\s+-\s+-$/);
    expect(text).toContain("1,000 / 2 members (+20 ms/call): ack p50 2.50x p99 1.50x, live p50 1.00x p99 1.00x");
    expect(text).toContain('10,000 members (plain): not measured: the Worker refused an add with "group is full"');
    expect(text).toContain("1,000 pooled users registered in 40 s");
  });

  it("judges issue 16's targets where their shape was measured and says why not elsewhere", () => {
    expect(bigGroupGoals(result)?.split("\n")).toEqual([
      "goal big group 1,000 members, all online: every inbox updated p99 <= 300 ms: met (280 ms)",
      "goal big group 1,000 members, all online, 20 ms per inbox call: every inbox updated p99 <= 1,000 ms: not met (1,500 ms)",
      'goal big group 10,000 members, 1,000 online: every inbox updated p99 <= 1,000 ms: not measured (the Worker refused an add with "group is full")',
      'goal big group 10,000 members, 1,000 online, 20 ms per inbox call: every inbox updated p99 <= 3,000 ms: not measured (the Worker refused an add with "group is full")',
      'goal big group 10,000 members (plain): ack and live delivery within 2x the 2-member group\'s: not measured (the Worker refused an add with "group is full")',
      'goal big group 10,000 members (+20 ms/call): ack and live delivery within 2x the 2-member group\'s: not measured (the Worker refused an add with "group is full")',
    ]);
  });
});
