// Issue 14, points 1 and 3: the conversation object is the one authority on
// membership and roles; D1's member rows are an index it writes through a
// durable outbox. Here the index write fails or hangs at each step of add,
// role change, demotion, removal, leave and block, and storms of concurrent
// changes hit one member: after every step nobody has access beyond what
// the object says, and once D1 works again the alarm makes the index equal
// the object, even after stale writes land late and out of order.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConversationObject } from "../conversation/object";
import { join, makeGroup, rng, stubOf } from "./conversation-fixtures";
import { api, apiOk, befriend, openDm, signUp, until } from "./helpers";
import { inboxOf } from "./inbox-fixtures";
import {
  breakIndex,
  expectConverges,
  expectLockedOut,
  expectMember,
  type Fault,
  HeldWrites,
  indexMembers,
  objectMembers,
  uploadText,
} from "./index-fixtures";

const FAULTS: Fault[] = ["fail", "hang"];

describe("the member index under D1 faults", () => {
  it.each(FAULTS)("D1 index writes %s at each step: access follows the object, the index converges", async (fault) => {
    const [o, a, m, x] = await Promise.all([signUp("ixo"), signUp("ixa"), signUp("ixm"), signUp("ixx")]);
    for (const u of [a, m, x]) await befriend(o, u);
    const g = (await makeGroup(o, [a, m], "faults", { befriendFirst: false })).id;
    expect(await indexMembers(g)).toEqual(await objectMembers(g));
    const ownersFile = await uploadText(g, o, "owner's");
    const membersFile = await uploadText(g, m, "member's");
    const members = `/api/conversations/${g}/members`;
    const late = new HeldWrites();

    /** One step with D1 broken: the object's answer holds at once, the stale index grants nothing. */
    const step = async (what: string, act: () => Promise<void>, check: () => Promise<void>) => {
      await breakIndex(g, fault, late);
      await act();
      expect(await indexMembers(g), `${what}: the index is stale while D1 is down`).not.toEqual(await objectMembers(g));
      await check();
      await expectConverges(g);
      await check();
    };

    await step(
      "add",
      async () => {
        await apiOk(members, { token: o.accessToken, body: { userIds: [x.user.id] } });
      },
      () => expectMember(g, x),
    );
    await step(
      "promote",
      async () => {
        await apiOk(`${members}/${a.user.id}`, { method: "PATCH", token: o.accessToken, body: { role: "admin" } });
      },
      async () => expect((await objectMembers(g)).find(([id]) => id === a.user.id)?.[1]).toBe("admin"),
    );
    await step(
      "demote",
      async () => {
        await apiOk(`${members}/${a.user.id}`, { method: "PATCH", token: o.accessToken, body: { role: "member" } });
      },
      async () => {
        // D1 still says admin until it converges: the object's "member" is what counts.
        const res = await api(`/api/files/${ownersFile}`, { method: "DELETE", token: a.accessToken });
        expect(res.status).toBe(403);
      },
    );
    await step(
      "remove",
      async () => {
        // Opened here: an earlier step's alarm would sweep a socket silent for the tests' 1.5 s heartbeat.
        const sm = await join(g, m);
        await apiOk(`${members}/${m.user.id}`, { method: "DELETE", token: o.accessToken }, 204);
        expect((await sm.closed).code).toBe(4003);
      },
      // Including the file M uploaded there: its messages still point at it.
      async () => {
        await expectLockedOut(g, m, membersFile);
        // The list also shows what M's inbox holds; its removal comes through the fan-out queue.
        await until(async () => (await inboxOf(m.user.id).note(g))?.summary === null, 30_000, "M's inbox removal");
        // Listing reads the index, but the object's "no" wins over a stale row.
        const { conversations } = await apiOk<{ conversations: { id: string }[] }>("/api/conversations", {
          token: m.accessToken,
        });
        expect(conversations.map((c) => c.id)).not.toContain(g);
      },
    );
    await step(
      "leave",
      async () => {
        await apiOk(`${members}/${x.user.id}`, { method: "DELETE", token: x.accessToken }, 204);
      },
      () => expectLockedOut(g, x, ownersFile),
    );
    // Writes that hung at every step land now, late and newest first: older versions change nothing.
    if (fault === "hang") expect(late.size).toBeGreaterThan(4);
    await late.release((n) => n - 1);
    expect(await indexMembers(g), "after late writes").toEqual(await objectMembers(g));
    await expectLockedOut(g, m, membersFile);
    // The owner's file is still there for the owner: nothing above removed it.
    expect((await api(`/api/files/${ownersFile}/meta`, { token: o.accessToken })).status).toBe(200);
  });

  it.each(FAULTS)("a block holds in the DM while its index writes %s", async (fault) => {
    const [a, b] = await Promise.all([signUp("ixba"), signUp("ixbb")]);
    await befriend(a, b);
    const dm = (await openDm(a, b)).id;
    await breakIndex(dm, fault);
    await apiOk(`/api/blocks/${b.user.id}`, { method: "PUT", token: a.accessToken }, 204);
    const res = await api(`/api/conversations/${dm}/messages`, {
      token: b.accessToken,
      body: { clientId: "c1", kind: "text", text: "blocked?" },
    });
    expect(res.status).toBe(403);
    // Blocks change no membership: both still read the DM, and the index still equals the object.
    await expectMember(dm, a);
    await expectMember(dm, b);
    expect(await indexMembers(dm)).toEqual(await objectMembers(dm));
  });

  it("a storm of concurrent add/remove/role changes on one member, with writes hanging and landing out of order", async () => {
    const [o, x, y] = await Promise.all([signUp("ixso"), signUp("ixsx"), signUp("ixsy")]);
    await befriend(o, x);
    await befriend(o, y);
    const g = (await makeGroup(o, [y], "storm", { befriendFirst: false })).id;
    const file = await uploadText(g, o, "owner's");
    const random = rng(14);
    const members = `/api/conversations/${g}/members`;
    const ops = [
      () => api(members, { token: o.accessToken, body: { userIds: [x.user.id] } }),
      () => api(`${members}/${x.user.id}`, { method: "DELETE", token: o.accessToken }),
      () => api(`${members}/${x.user.id}`, { method: "PATCH", token: o.accessToken, body: { role: "admin" } }),
      () => api(`${members}/${x.user.id}`, { method: "PATCH", token: o.accessToken, body: { role: "member" } }),
    ];
    for (let round = 0; round < 3; round++) {
      const late = await breakIndex(g, "hang");
      const answers = await Promise.all(
        Array.from({ length: 24 }, () => ops[Math.floor(random() * ops.length)]?.() ?? Promise.reject()),
      );
      for (const r of answers) expect([200, 204, 404, 409]).toContain(r.status);
      // Whatever D1 says (it missed every write of the storm), X has exactly the access the object gives.
      expect(late.size).toBeGreaterThan(0);
      const role = new Map(await objectMembers(g)).get(x.user.id);
      if (role === undefined) await expectLockedOut(g, x, file);
      else {
        await expectMember(g, x);
        // A member (whatever role D1 still shows) cannot delete the owner's file.
        if (role === "member") {
          expect((await api(`/api/files/${file}`, { method: "DELETE", token: x.accessToken })).status).toBe(403);
        }
      }
      await expectConverges(g);
      // The storm's writes land now, late and in random order: the index stays level with the object.
      await late.release((n) => Math.floor(random() * n));
      expect(await indexMembers(g), `round ${round}: after late writes`).toEqual(await objectMembers(g));
    }
    // The outbox is empty once converged: nothing left for a later alarm.
    await runInDurableObject(stubOf(g), (obj: ConversationObject) => expect(obj.memberIndex.hasWork()).toBe(false));
  });
});
