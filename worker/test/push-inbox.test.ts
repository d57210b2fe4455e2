// The inbox's push policy: the subscription count is cached (no D1 read per
// message) and a burst of messages collapses into a bounded number of pushes.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { InboxObject } from "../inbox/object";
import { PUSH_COALESCE_MS } from "../inbox/push-hook";
import { apiOk, befriend, openDm, signUp, type TestUser, until, waitFor } from "./helpers";
import { inboxOf, say, waitForSummary } from "./inbox-fixtures";
import { decryptPush, fakePushService, newUserAgent, type TestUserAgent } from "./push-fixtures";

async function subscribe(user: TestUser): Promise<{ endpoint: string; ua: TestUserAgent }> {
  const ua = await newUserAgent();
  const endpoint = `https://push.example.test/wp/${crypto.randomUUID()}`;
  await apiOk(
    "/api/push/subscriptions",
    { token: user.accessToken, body: { endpoint, keys: { p256dh: ua.p256dh, auth: ua.auth } } },
    201,
  );
  return { endpoint, ua };
}

/** Points the user's inbox at a fake push service; returns it and a reader of the inbox's D1 lookups. */
async function fakePushFor(user: TestUser) {
  const push = fakePushService();
  await runInDurableObject(inboxOf(user.user.id), (obj: InboxObject) => {
    obj.pushFetch = push.fetcher;
  });
  const cached = () => runInDurableObject(inboxOf(user.user.id), (obj: InboxObject) => obj.store.pushSubscriptions().n);
  const lookups = () => runInDurableObject(inboxOf(user.user.id), (obj: InboxObject) => obj.pushD1Reads);
  return { push, lookups, cached };
}

async function decoded(body: Uint8Array | undefined, ua: TestUserAgent): Promise<{ seq: number; body: string }> {
  if (!body) throw new Error("no push");
  return JSON.parse(new TextDecoder().decode((await decryptPush(body, ua)).plaintext)) as { seq: number; body: string };
}

describe("push coalescing and the subscription cache", () => {
  it("collapses a burst to an offline user into a bounded number of pushes, the newest message last", async () => {
    const [a, u] = [await signUp("ca"), await signUp("cu")];
    await befriend(a, u);
    const dm = await openDm(a, u);
    const { ua } = await subscribe(u);
    const { push } = await fakePushFor(u);

    const N = 12;
    const started = Date.now();
    for (let i = 1; i <= N; i++) await say(dm.id, a, `b${i}`, `burst ${i}`);
    const elapsed = Date.now() - started;
    const lastSeq = N + 1;
    await waitForSummary(u.user.id, dm.id, (s) => s.lastSeq === lastSeq);
    // The newest message arrives at the latest when the window that held it ends.
    await waitFor(() => push.requests.length > 0, 10_000, "a first push");
    await until(
      async () => (await decoded(push.requests.at(-1)?.body, ua)).seq === lastSeq,
      3 * PUSH_COALESCE_MS,
      "a push of the newest message",
    );

    // One leading push, then at most one per window the sends spanned, plus the trailing one.
    const bound = 2 + Math.floor(elapsed / PUSH_COALESCE_MS);
    expect(push.requests.length).toBeLessThanOrEqual(bound);
    expect(push.requests.length).toBeLessThan(N);
    const last = await decoded(push.requests.at(-1)?.body, ua);
    expect(last).toMatchObject({ seq: lastSeq, body: `burst ${N}` });
    const seqs = await Promise.all(push.requests.map(async (r) => (await decoded(r.body, ua)).seq));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it("after unsubscribe, messages send no push and the inbox reads D1 for push at most once", async () => {
    const [a, u] = [await signUp("ua"), await signUp("uu")];
    await befriend(a, u);
    const dm = await openDm(a, u);
    const { endpoint } = await subscribe(u);
    const { push, lookups, cached } = await fakePushFor(u);

    await say(dm.id, a, "s1", "first");
    await waitFor(() => push.requests.length === 1, 10_000, "the push before unsubscribing");
    await apiOk("/api/push/subscriptions", { method: "DELETE", token: u.accessToken, body: { endpoint } }, 204);
    const before = await lookups();

    for (let i = 2; i <= 5; i++) {
      await say(dm.id, a, `s${i}`, `after ${i}`);
      await waitForSummary(u.user.id, dm.id, (s) => s.lastSeq === i + 1);
    }
    // Past the coalescing window, so a held push (if one were wrongly kept) would have left.
    await new Promise((r) => setTimeout(r, PUSH_COALESCE_MS + 500));
    expect(push.requests).toHaveLength(1);
    expect(await cached()).toBe(0);
    expect((await lookups()) - before).toBeLessThanOrEqual(1);
  });

  it("a user who never subscribed costs one D1 lookup, not one per message", async () => {
    const [a, u] = [await signUp("na"), await signUp("nu")];
    await befriend(a, u);
    const dm = await openDm(a, u);
    const { push, lookups, cached } = await fakePushFor(u);
    for (let i = 1; i <= 4; i++) {
      await say(dm.id, a, `n${i}`, `hello ${i}`);
      await waitForSummary(u.user.id, dm.id, (s) => s.lastSeq === i + 1);
    }
    expect(await lookups()).toBeLessThanOrEqual(1);
    expect(await cached()).toBe(0);
    expect(push.requests).toHaveLength(0);
  });

  it("an endpoint registered again by another user is dropped from the previous owner, whose inbox is told", async () => {
    const [a, u, mallory] = [await signUp("ma"), await signUp("mu"), await signUp("mm")];
    await befriend(a, u);
    const dm = await openDm(a, u);
    const { endpoint, ua } = await subscribe(u);
    const { push, cached } = await fakePushFor(u);
    await say(dm.id, a, "m1", "first");
    await waitFor(() => push.requests.length === 1, 10_000, "the push to the first owner");
    expect(await cached()).toBe(1);

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
    expect(await cached()).toBeNull();

    // The owner's client re-sends its subscription on start, which takes the endpoint back.
    await apiOk(
      "/api/push/subscriptions",
      { token: u.accessToken, body: { endpoint, keys: { p256dh: ua.p256dh, auth: ua.auth } } },
      201,
    );
    expect((await owner())?.user_id).toBe(u.user.id);
    const mallorysCount = await runInDurableObject(
      inboxOf(mallory.user.id),
      (obj: InboxObject) => obj.store.pushSubscriptions().n,
    );
    expect(mallorysCount).toBeNull();
  });
});
