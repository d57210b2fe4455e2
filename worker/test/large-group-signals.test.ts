// Issue 16 point 2 in workerd, through real sockets: in a group above
// Limits.largeGroupAbove members a read reaches the others as counts (not
// who read), the reader's own devices as their receipt, and the welcome
// hides others' markers and carries the counts; typing reaches the others
// from a sample of typers. The group is seeded (bulk-fixtures.ts): 1,000
// members beside the real users, parked so the test pays no inbox fan-out.
import { describe, expect, it } from "vitest";
import { Limits, type ReadCount, type SocketMember } from "../protocol";
import { seedGroup } from "./bulk-fixtures";
import { join } from "./conversation-fixtures";
import { apiOk, signUp, type TestSocket, type TestUser, waitFor } from "./helpers";

/** A ping the runtime does not answer itself (not the exact ping text): its pong says every earlier frame was handled. */
async function roundTrip(s: TestSocket): Promise<void> {
  const pongs = s.frames.filter((f) => f.type === "pong").length;
  s.send('{"type": "ping"}');
  await waitFor(() => s.frames.filter((f) => f.type === "pong").length > pongs, 10_000, "pong");
}

async function largeGroup(users: TestUser[]): Promise<string> {
  const [owner, ...rest] = users;
  if (!owner) throw new Error("an owner first");
  const members = [
    { userId: owner.user.id, role: "owner" as const },
    ...rest.map((u) => ({ userId: u.user.id, role: "member" as const })),
  ];
  return (await seedGroup(members, Limits.largeGroupAbove)).id;
}

describe("a large group's receipts", () => {
  it("a read reaches the others as counts and the reader's other devices as its receipt; the welcome hides markers", async () => {
    const [owner, bob, carol] = await Promise.all([signUp("lro"), signUp("lrb"), signUp("lrc")]);
    const id = await largeGroup([owner, bob, carol]);
    const sent = await apiOk<{ event: { seq: number } }>(
      `/api/conversations/${id}/messages`,
      { token: owner.accessToken, body: { clientId: "hello", kind: "text", text: "hello, thousand" } },
      201,
    );
    const seq = sent.event.seq;
    const carolSocket = await join(id, carol);
    const bobPhone = await join(id, bob);
    const bobLaptop = await join(id, bob);
    try {
      bobPhone.send({ type: "read", seq });
      await waitFor(() => carolSocket.frames.some((f) => f.type === "read_counts"), 10_000, "read counts");
      await waitFor(() => bobLaptop.frames.some((f) => f.type === "receipt"), 10_000, "bob's own receipt");
      await roundTrip(carolSocket);
      expect(carolSocket.frames.filter((f) => f.type === "receipt")).toEqual([]);
      const counts = (carolSocket.frames.filter((f) => f.type === "read_counts").at(-1)?.counts ?? []) as ReadCount[];
      expect(counts).toEqual([{ seq, count: 1 }]);
      expect(bobLaptop.frames.find((f) => f.type === "receipt")).toEqual({ type: "receipt", userId: bob.user.id, seq });

      const ownerSocket = await join(id, owner);
      try {
        const welcome = ownerSocket.frames.find((f) => f.type === "welcome");
        expect(welcome?.memberCount).toBe(Limits.largeGroupAbove + 3);
        expect(welcome?.readCounts).toEqual([{ seq, count: 1 }]);
        const listed = (welcome?.members ?? []) as SocketMember[];
        expect(listed.find((m) => m.userId === bob.user.id)).toMatchObject({ online: true, readSeq: 0 });
      } finally {
        ownerSocket.close();
      }
    } finally {
      for (const s of [carolSocket, bobPhone, bobLaptop]) s.close();
    }
  }, 60_000);
});

describe("a large group's typing", () => {
  it("reaches the others from at most typingSampleMax typers of a window", async () => {
    const users = await Promise.all(["lto", "lt1", "lt2", "lt3", "lt4", "lt5", "ltw"].map((p) => signUp(p)));
    const id = await largeGroup(users);
    const watcher = await join(id, users[6] as TestUser);
    const typers = await Promise.all(users.slice(1, 6).map((u) => join(id, u)));
    try {
      // All at once, so they fall in one 2 s window however slow the machine.
      for (const t of typers) t.send({ type: "typing" });
      for (const t of typers) await roundTrip(t);
      await roundTrip(watcher);
      const typing = watcher.frames.filter((f) => f.type === "typing");
      expect(typing.length).toBeGreaterThan(0);
      expect(typing.length).toBeLessThanOrEqual(Limits.typingSampleMax);
    } finally {
      for (const s of [watcher, ...typers]) s.close();
    }
  }, 60_000);
});
