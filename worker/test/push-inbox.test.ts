// The inbox's push policy: the subscription count is cached (no D1 read per
// message) and a burst of messages collapses into a bounded number of pushes.
// Pushes leave by the inbox's own fetch() and reach the outbound push service
// (push-service.ts); D1 reads show as what only a read could see.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { saveSubscription } from "../db/push";
import type { InboxObject } from "../inbox/object";
import { PUSH_COALESCE_MS } from "../inbox/push-hook";
import { apiOk, befriend, openDm, signUp, type TestUser, until } from "./helpers";
import { inboxOf, say, subscribe, waitForSummary } from "./inbox-fixtures";
import { decryptPush, newEndpoint, newUserAgent, pushesTo, type TestUserAgent } from "./push-fixtures";

/**
 * A subscription written to D1 behind the inbox's back (not by the routes, so
 * the inbox is not told): only an inbox that reads D1 again would push to it.
 */
async function sneakSubscription(user: TestUser): Promise<string> {
  const ua = await newUserAgent();
  const endpoint = newEndpoint();
  await saveSubscription(env.DB, user.user.id, { endpoint, p256dh: ua.p256dh, auth: ua.auth }, Date.now());
  return endpoint;
}

/** The inbox's cached subscription count (null: not known, the next push reads D1). */
const cachedCount = (user: TestUser) =>
  runInDurableObject(inboxOf(user.user.id), (obj: InboxObject) => obj.store.pushSubscriptions().n);

/** Past the coalescing window, so a push held (or sent late) by mistake would have left by now. */
const pastTheWindow = () => new Promise((r) => setTimeout(r, PUSH_COALESCE_MS + 500));

async function decoded(body: Uint8Array | undefined, ua: TestUserAgent): Promise<{ seq: number; body: string }> {
  if (!body) throw new Error("no push");
  return JSON.parse(new TextDecoder().decode((await decryptPush(body, ua)).plaintext)) as { seq: number; body: string };
}

describe("push coalescing and the subscription cache", () => {
  it("collapses a burst to an offline user into a bounded number of pushes, the newest message last", async () => {
    const [a, u] = [await signUp("ca"), await signUp("cu")];
    await befriend(a, u);
    const dm = await openDm(a, u);
    const { endpoint, ua } = await subscribe(u);

    const N = 12;
    const started = Date.now();
    for (let i = 1; i <= N; i++) await say(dm.id, a, `b${i}`, `burst ${i}`);
    const elapsed = Date.now() - started;
    const lastSeq = N + 1;
    await waitForSummary(u.user.id, dm.id, (s) => s.lastSeq === lastSeq);
    // The newest message arrives at the latest when the window that held it ends.
    await until(async () => (await pushesTo(endpoint)).length > 0, 10_000, "a first push");
    await until(
      async () => (await decoded((await pushesTo(endpoint)).at(-1)?.body, ua)).seq === lastSeq,
      3 * PUSH_COALESCE_MS,
      "a push of the newest message",
    );
    const requests = await pushesTo(endpoint);

    // One leading push, then at most one per window the sends spanned, plus the trailing one.
    const bound = 2 + Math.floor(elapsed / PUSH_COALESCE_MS);
    expect(requests.length).toBeLessThanOrEqual(bound);
    expect(requests.length).toBeLessThan(N);
    const last = await decoded(requests.at(-1)?.body, ua);
    expect(last).toMatchObject({ seq: lastSeq, body: `burst ${N}` });
    const seqs = await Promise.all(requests.map(async (r) => (await decoded(r.body, ua)).seq));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it("after unsubscribe, messages send no push and the inbox reads D1 for push at most once", async () => {
    const [a, u] = [await signUp("ua"), await signUp("uu")];
    await befriend(a, u);
    const dm = await openDm(a, u);
    const { endpoint } = await subscribe(u);

    await say(dm.id, a, "s1", "first");
    await until(async () => (await pushesTo(endpoint)).length === 1, 10_000, "the push before unsubscribing");
    await apiOk("/api/push/subscriptions", { method: "DELETE", token: u.accessToken, body: { endpoint } }, 204);
    expect(await cachedCount(u)).toBeNull();
    // The one D1 read the change allows: the next message learns "none".
    await say(dm.id, a, "s2", "after 2");
    await until(async () => (await cachedCount(u)) === 0, 10_000, "the count read again");
    const sneaked = await sneakSubscription(u);

    for (let i = 3; i <= 5; i++) {
      await say(dm.id, a, `s${i}`, `after ${i}`);
      await waitForSummary(u.user.id, dm.id, (s) => s.lastSeq === i + 1);
    }
    await pastTheWindow();
    expect(await pushesTo(endpoint)).toHaveLength(1);
    // A second D1 read (per message, or for a held push) would have found it.
    expect(await pushesTo(sneaked)).toHaveLength(0);
    expect(await cachedCount(u)).toBe(0);
  });

  it("a user who never subscribed costs one D1 lookup, not one per message", async () => {
    const [a, u] = [await signUp("na"), await signUp("nu")];
    await befriend(a, u);
    const dm = await openDm(a, u);
    await say(dm.id, a, "n1", "hello 1");
    await waitForSummary(u.user.id, dm.id, (s) => s.lastSeq === 2);
    await until(async () => (await cachedCount(u)) === 0, 10_000, "the one lookup");
    const sneaked = await sneakSubscription(u);
    for (let i = 2; i <= 4; i++) {
      await say(dm.id, a, `n${i}`, `hello ${i}`);
      await waitForSummary(u.user.id, dm.id, (s) => s.lastSeq === i + 1);
    }
    await pastTheWindow();
    // Any D1 read after the first would have found the subscription and pushed to it.
    expect(await pushesTo(sneaked)).toHaveLength(0);
    expect(await cachedCount(u)).toBe(0);
  });

  it("an endpoint registered again by another user is dropped from the previous owner, whose inbox is told", async () => {
    const [a, u, mallory] = [await signUp("ma"), await signUp("mu"), await signUp("mm")];
    await befriend(a, u);
    const dm = await openDm(a, u);
    const { endpoint, ua } = await subscribe(u);
    await say(dm.id, a, "m1", "first");
    await until(async () => (await pushesTo(endpoint)).length === 1, 10_000, "the push to the first owner");
    expect(await cachedCount(u)).toBe(1);

    // Someone else registers the same endpoint (with keys of their own).
    const theirs = await newUserAgent();
    await apiOk(
      "/api/push/subscriptions",
      { token: mallory.accessToken, body: { endpoint, keys: { p256dh: theirs.p256dh, auth: theirs.auth } } },
      201,
    );
    const owner = () =>
      env.DB.prepare("SELECT user_id FROM push_subscriptions WHERE endpoint = ?")
        .bind(endpoint)
        .first<{ user_id: string }>();
    expect((await owner())?.user_id).toBe(mallory.user.id);
    // The previous owner's inbox forgot its cached count: its next push reads D1 and finds nothing.
    expect(await cachedCount(u)).toBeNull();

    // The owner's client re-sends its subscription on start, which takes the endpoint back.
    await apiOk(
      "/api/push/subscriptions",
      { token: u.accessToken, body: { endpoint, keys: { p256dh: ua.p256dh, auth: ua.auth } } },
      201,
    );
    expect((await owner())?.user_id).toBe(u.user.id);
    expect(await cachedCount(mallory)).toBeNull();
  });
});
