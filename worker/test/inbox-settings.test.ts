// Mute and pin (issue 17): per user, kept in the user's inbox, laid over
// every summary it shows, synced to the user's other inbox sockets, and
// consulted before a Web Push.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { InboxObject } from "../inbox/object";
import type { ConversationSettings, ConversationSummary } from "../protocol";
import { expectError, makeGroup } from "./conversation-fixtures";
import { api, apiOk, befriend, openDm, signUp, type TestUser, until, waitFor } from "./helpers";
import { inboxOf, openInbox, say, subscribe, waitForSummary, welcomeOf } from "./inbox-fixtures";
import { decryptPush, pushesTo } from "./push-fixtures";

const settingsPath = (id: string) => `/api/conversations/${encodeURIComponent(id)}/settings`;
const patch = (user: TestUser, id: string, body: unknown) =>
  api(settingsPath(id), { method: "PATCH", token: user.accessToken, body });
const patchOk = async (user: TestUser, id: string, body: unknown) =>
  (
    await apiOk<{ settings: ConversationSettings }>(settingsPath(id), {
      method: "PATCH",
      token: user.accessToken,
      body,
    })
  ).settings;

async function listed(user: TestUser, id: string): Promise<ConversationSummary | undefined> {
  const { conversations } = await apiOk<{ conversations: ConversationSummary[] }>("/api/conversations", {
    token: user.accessToken,
  });
  return conversations.find((c) => c.id === id);
}

const hasSettingsRow = (user: TestUser, id: string) =>
  runInDurableObject(inboxOf(user.user.id), (obj: InboxObject) => obj.settings.all(Date.now()).has(id));

describe("conversation settings", () => {
  it("round trip: PATCH answers the settings, the list and a new welcome carry them, unset fields vanish", async () => {
    const [a, b] = [await signUp("sa"), await signUp("sb")];
    await befriend(a, b);
    const dm = await openDm(a, b);

    const pinned = await patchOk(a, dm.id, { pinned: true });
    expect(pinned).toEqual({ muted: false, pinned: true, pinnedAt: expect.any(Number) });
    const until = Date.now() + 3_600_000;
    expect(await patchOk(a, dm.id, { muted: { until } })).toEqual({ ...pinned, muted: true, mutedUntil: until });
    expect(await listed(a, dm.id)).toMatchObject({ pinned: true, pinnedAt: pinned.pinnedAt, mutedUntil: until });
    // Pinning again keeps the place; a mute for good drops the end time.
    expect(await patchOk(a, dm.id, { pinned: true, muted: true })).toEqual({ ...pinned, muted: true });
    // The welcome shows what the inbox holds: the DM's first summary comes through the fan-out queue.
    await waitForSummary(a.user.id, dm.id, () => true);
    const s = await openInbox(a);
    expect(welcomeOf(s).conversations[0]).toMatchObject({ id: dm.id, muted: true, pinned: true });
    s.close();
    // The other member sees none of it.
    expect(await listed(b, dm.id)).not.toHaveProperty("pinned");

    expect(await patchOk(a, dm.id, { pinned: false, muted: false })).toEqual({ muted: false, pinned: false });
    const after = await listed(a, dm.id);
    for (const k of ["muted", "mutedUntil", "pinned", "pinnedAt"]) expect(after).not.toHaveProperty(k);
    expect(await hasSettingsRow(a, dm.id)).toBe(false);
  });

  it("refuses bad bodies (400), unknown or prototype-name ids (404) and non-members (403)", async () => {
    const [a, b, c] = [await signUp("va"), await signUp("vb"), await signUp("vc")];
    await befriend(a, b);
    const dm = await openDm(a, b);
    for (const body of [
      {},
      { muted: "yes" },
      { pinned: 1 },
      { pinned: true, extra: 1 },
      { muted: { until: Date.now() - 1 } },
      { muted: { until: 1.5 } },
      { muted: { until: Date.now() + 1000, x: 1 } },
      [true],
      null,
    ]) {
      await expectError(await patch(a, dm.id, body), 400, "invalid_request");
    }
    for (const id of ["__proto__", "constructor", "c_nope"]) {
      await expectError(await patch(a, id, { pinned: true }), 404, "not_found");
    }
    await expectError(await patch(c, dm.id, { pinned: true }), 403, "forbidden");
    expect(await hasSettingsRow(c, dm.id)).toBe(false);
  });

  it("allows 5 pins; the 6th is 409 and changes nothing until one is unpinned", async () => {
    const owner = await signUp("po");
    const others = await Promise.all([1, 2, 3, 4, 5, 6].map(() => signUp("pm")));
    const groups = [];
    for (const o of others) groups.push(await makeGroup(owner, [o], "g"));
    for (const g of groups.slice(0, 5)) await patchOk(owner, g.id, { pinned: true });
    const sixth = groups[5]?.id ?? "";
    await expectError(await patch(owner, sixth, { pinned: true, muted: true }), 409, "conflict");
    // All or nothing: the mute in the refused patch did not land either.
    expect(await hasSettingsRow(owner, sixth)).toBe(false);
    // Re-pinning one already pinned is no new pin.
    await patchOk(owner, groups[0]?.id ?? "", { pinned: true });
    await patchOk(owner, groups[0]?.id ?? "", { pinned: false });
    expect(await patchOk(owner, sixth, { pinned: true })).toMatchObject({ pinned: true });
  });

  it("a muted conversation sends no push, yet counts unread; unmuted, it pushes again", async () => {
    const [a, u] = [await signUp("ma"), await signUp("mu")];
    await befriend(a, u);
    const dm = await openDm(a, u);
    const { endpoint, ua } = await subscribe(u);
    await patchOk(u, dm.id, { muted: true });
    await say(dm.id, a, "m1", "while muted");
    await waitForSummary(u.user.id, dm.id, (s) => s.lastSeq === 2 && s.unread === 1);
    expect(await listed(u, dm.id)).toMatchObject({ unread: 1, muted: true });

    await patchOk(u, dm.id, { muted: false });
    await say(dm.id, a, "m2", "after unmute");
    await until(async () => (await pushesTo(endpoint)).length > 0, 10_000, "the push after unmuting");
    // Had the muted message pushed, it would be the first push here (and would hold this one back).
    const first = (await pushesTo(endpoint))[0]?.body;
    if (!first) throw new Error("no push body");
    const payload: unknown = JSON.parse(new TextDecoder().decode((await decryptPush(first, ua)).plaintext));
    expect(payload).toMatchObject({ seq: 3, body: "after unmute" });
    expect(await listed(u, dm.id)).toMatchObject({ unread: 2 });
  });

  it("a change reaches every inbox socket of the user (another device) as a conversation frame", async () => {
    const [a, b] = [await signUp("da"), await signUp("db")];
    await befriend(a, b);
    const dm = await openDm(a, b);
    const [phone, desktop] = [await openInbox(a), await openInbox(a)];
    const settings = await patchOk(a, dm.id, { pinned: true, muted: true });
    const got = (s: typeof phone) =>
      s.frames.find(
        (f) => f.type === "conversation" && (f.conversation as ConversationSummary | undefined)?.pinned === true,
      );
    for (const s of [phone, desktop]) await waitFor(() => got(s) !== undefined, 10_000, "the settings frame");
    expect(got(desktop)?.conversation).toMatchObject({ id: dm.id, muted: true, pinnedAt: settings.pinnedAt });
    // A later message's summary keeps them.
    await say(dm.id, b, "d1", "hello");
    await waitFor(
      () =>
        desktop.frames.some(
          (f) =>
            f.type === "conversation" &&
            (f.conversation as ConversationSummary).lastSeq === 2 &&
            (f.conversation as ConversationSummary).pinned === true,
        ),
      10_000,
      "the next summary, still pinned",
    );
    phone.close();
    desktop.close();
  });

  it("leaving drops the settings; a member who left cannot set them; re-added, they start clean", async () => {
    const [owner, u] = [await signUp("lo"), await signUp("lu")];
    const g = await makeGroup(owner, [u], "leave");
    await patchOk(u, g.id, { pinned: true, muted: true });
    await apiOk(`/api/conversations/${g.id}/members/${u.user.id}`, { method: "DELETE", token: u.accessToken }, 204);
    await until(async () => !(await hasSettingsRow(u, g.id)), 10_000, "settings dropped");
    await expectError(await patch(u, g.id, { pinned: true }), 403, "forbidden");

    await apiOk(`/api/conversations/${g.id}/members`, { token: owner.accessToken, body: { userIds: [u.user.id] } });
    await waitForSummary(u.user.id, g.id, () => true);
    const back = await listed(u, g.id);
    expect(back).toBeDefined();
    expect(back).not.toHaveProperty("pinned");
    expect(back).not.toHaveProperty("muted");
  });
});
