// Issue 17: a mention notifies through a mute, Web Push included; nothing
// else in a muted conversation does, and an edit never notifies (it adds no
// message), even when it adds a mention.
import { describe, expect, it } from "vitest";
import { PUSH_COALESCE_MS } from "../inbox/push-hook";
import { join, makeGroup } from "./conversation-fixtures";
import { apiOk, signUp, type TestUser, until } from "./helpers";
import { subscribe, waitForSummary } from "./inbox-fixtures";
import { answerTo, at, postOk, summaryOf } from "./mentions-fixtures";
import { decryptPush, pushesTo, type TestUserAgent } from "./push-fixtures";

const mute = (u: TestUser, id: string) =>
  apiOk(`/api/conversations/${id}/settings`, { method: "PATCH", token: u.accessToken, body: { muted: true } });

async function payloads(endpoint: string, ua: TestUserAgent): Promise<{ seq: number; body: string }[]> {
  const requests = await pushesTo(endpoint);
  return Promise.all(
    requests.map(async (r) => JSON.parse(new TextDecoder().decode((await decryptPush(r.body, ua)).plaintext))),
  );
}

/** Past the coalescing window, so a push held (or sent late) by mistake would have left by now. */
const pastTheWindow = () => new Promise((r) => setTimeout(r, PUSH_COALESCE_MS + 500));

describe("mentions through a mute", () => {
  it("a muted group pushes only for a new message that mentions the user, its preview reading @name", async () => {
    const [alice, bob] = [await signUp("pa"), await signUp("pb")];
    const g = await makeGroup(alice, [bob]);
    const { endpoint, ua } = await subscribe(bob);
    await mute(bob, g.id);

    const quiet = await postOk(g.id, alice, "nothing for you");
    await waitForSummary(bob.user.id, g.id, (s) => s.lastSeq === quiet.seq);
    const loud = await postOk(g.id, alice, `${at(bob)} look at this`);
    await until(async () => (await pushesTo(endpoint)).length > 0, 10_000, "the mention's push");
    expect(await payloads(endpoint, ua)).toEqual([
      expect.objectContaining({ seq: loud.seq, body: `@${bob.user.displayName} look at this` }),
    ]);
    expect(await summaryOf(bob, g.id)).toMatchObject({ unread: 2, unreadMentions: 1 });
  });

  it("edits never notify: not of an old (read) message, nor one adding a mention to an unread message", async () => {
    const [alice, bob] = [await signUp("qa"), await signUp("qb")];
    const g = await makeGroup(alice, [bob]);
    const old = await postOk(g.id, alice, "old news");
    const reader = await join(g.id, bob);
    reader.send({ type: "read", seq: old.seq });
    await waitForSummary(bob.user.id, g.id, (s) => s.readSeq === old.seq);
    reader.close();
    const { endpoint } = await subscribe(bob);
    await mute(bob, g.id);
    const unread = await postOk(g.id, alice, "fresh, unread");
    await waitForSummary(bob.user.id, g.id, (s) => s.lastSeq === unread.seq);

    const s = await join(g.id, alice);
    const onOld = await answerTo(s, { type: "edit", target: old.seq, text: `${at(bob)} old news` });
    await waitForSummary(bob.user.id, g.id, (x) => x.lastSeq === onOld.seq);
    // Read already: no badge for it.
    expect(await summaryOf(bob, g.id)).not.toHaveProperty("unreadMentions");
    const onUnread = await answerTo(s, { type: "edit", target: unread.seq, text: `${at(bob)} fresh, unread` });
    await waitForSummary(bob.user.id, g.id, (x) => x.lastSeq === onUnread.seq);
    // Still unread: the badge shows it, yet nothing is pushed.
    expect(await summaryOf(bob, g.id)).toMatchObject({ unreadMentions: 1, lastMentionSeq: unread.seq });
    s.close();
    await pastTheWindow();
    expect(await pushesTo(endpoint)).toHaveLength(0);

    // The same user is pushed for a new mention (so the silence above was not vacuous).
    await postOk(g.id, alice, `${at(bob)} now`);
    await until(async () => (await pushesTo(endpoint)).length === 1, 10_000, "the new mention's push");
  });

  it("unmuted, a mention pushes like any message, once", async () => {
    const [alice, bob] = [await signUp("ua"), await signUp("ub")];
    const g = await makeGroup(alice, [bob]);
    const { endpoint, ua } = await subscribe(bob);
    const m = await postOk(g.id, alice, `hey ${at(bob)}`);
    await until(async () => (await pushesTo(endpoint)).length > 0, 10_000, "the push");
    expect((await payloads(endpoint, ua)).map((p) => p.seq)).toEqual([m.seq]);
  });
});
