import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SUBSCRIPTIONS_PER_USER } from "../db/push";
import { fromBase64Url, toBase64Url } from "../ids";
import { api, apiOk, signUp, type TestUser } from "./helpers";
import { newEndpoint, newUserAgent } from "./push-fixtures";

interface Row {
  endpoint: string;
  user_id: string;
  p256dh: string;
  auth: string;
}

const rowFor = (endpoint: string) =>
  env.DB.prepare("SELECT endpoint, user_id, p256dh, auth FROM push_subscriptions WHERE endpoint = ?")
    .bind(endpoint)
    .first<Row>();

async function subscription(endpoint = newEndpoint()) {
  const ua = await newUserAgent();
  return { endpoint, keys: { p256dh: ua.p256dh, auth: ua.auth } };
}

async function subscribe(user: TestUser, body: unknown): Promise<void> {
  await apiOk("/api/push/subscriptions", { token: user.accessToken, body }, 201);
}

async function expectInvalid(user: TestUser, body: unknown, field: string): Promise<void> {
  const res = await api("/api/push/subscriptions", { token: user.accessToken, body });
  const json = (await res.json()) as { error: { code: string; details?: Array<{ field: string }> } };
  expect(res.status, JSON.stringify(json)).toBe(400);
  expect(json.error.code).toBe("invalid_request");
  expect(json.error.details?.map((d) => d.field)).toContain(field);
}

describe("GET /api/push/key", () => {
  it("gives the VAPID public key as a base64url uncompressed P-256 point", async () => {
    const alice = await signUp("pk");
    const { publicKey } = await apiOk<{ publicKey: string }>("/api/push/key", { token: alice.accessToken });
    expect(publicKey).toBe(env.VAPID_PUBLIC_KEY);
    const point = fromBase64Url(publicKey);
    expect(point.length).toBe(65);
    expect(point[0]).toBe(4);
  });

  it("needs a token", async () => {
    const res = await api("/api/push/key");
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });
});

describe("POST /api/push/subscriptions", () => {
  it("stores the subscription for the caller (201), accepting toJSON()'s expirationTime", async () => {
    const alice = await signUp("ps");
    const sub = await subscription();
    await subscribe(alice, { ...sub, expirationTime: null });
    expect(await rowFor(sub.endpoint)).toEqual({
      endpoint: sub.endpoint,
      user_id: alice.user.id,
      p256dh: sub.keys.p256dh,
      auth: sub.keys.auth,
    });
  });

  it("upserts by endpoint: new keys replace old, and another user's endpoint moves to the caller", async () => {
    const alice = await signUp("ps");
    const bob = await signUp("ps");
    const first = await subscription();
    await subscribe(alice, first);
    const renewed = await subscription(first.endpoint);
    await subscribe(alice, renewed);
    expect((await rowFor(first.endpoint))?.p256dh).toBe(renewed.keys.p256dh);

    await subscribe(bob, first);
    const row = await rowFor(first.endpoint);
    expect(row?.user_id).toBe(bob.user.id);
    expect(row?.p256dh).toBe(first.keys.p256dh);
  });

  it(`keeps at most ${SUBSCRIPTIONS_PER_USER} per user, always including the newest`, async () => {
    const alice = await signUp("ps");
    const endpoints: string[] = [];
    for (let i = 0; i < SUBSCRIPTIONS_PER_USER + 2; i++) {
      const sub = await subscription();
      endpoints.push(sub.endpoint);
      await subscribe(alice, sub);
    }
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM push_subscriptions WHERE user_id = ?")
      .bind(alice.user.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(SUBSCRIPTIONS_PER_USER);
    expect(await rowFor(endpoints.at(-1) ?? "")).not.toBeNull();
  });

  it("allows plain http only to loopback, and only because the tests enable it", async () => {
    expect(env.PUSH_ALLOW_INSECURE_ENDPOINTS).toBe("true");
    const alice = await signUp("ps");
    await subscribe(alice, await subscription(`http://127.0.0.1:9999/push/${crypto.randomUUID()}`));
    await subscribe(alice, await subscription(`http://localhost:9999/push/${crypto.randomUUID()}`));
    await expectInvalid(alice, await subscription("http://push.example.test/wp/1"), "endpoint");
  });

  it("refuses endpoints on hosts that are not public: IP literals, localhost, internal names", async () => {
    const alice = await signUp("ps");
    for (const endpoint of [
      "https://127.0.0.1/wp/1",
      "https://10.0.0.8/wp/1",
      "https://192.168.1.1/wp/1",
      "https://169.254.169.254/latest/meta-data",
      "https://0x7f000001/wp/1",
      "https://2130706433/wp/1",
      "https://8.8.8.8/wp/1",
      "https://[::1]/wp/1",
      "https://[fe80::1]/wp/1",
      "https://[::ffff:127.0.0.1]/wp/1",
      "https://localhost/wp/1",
      "https://localhost./wp/1",
      "https://push.localhost/wp/1",
      "https://printer.local/wp/1",
      "https://metadata.google.internal/wp/1",
      "https://router.home.arpa/wp/1",
      "https://nas.lan/wp/1",
      "https://intranet/wp/1",
      // Plain http to anything but the loopback, even with the test switch on.
      "http://10.0.0.8/wp/1",
    ]) {
      await expectInvalid(alice, await subscription(endpoint), "endpoint");
    }
    // The push services browsers really use pass.
    await subscribe(alice, await subscription(`https://fcm.googleapis.com/fcm/send/${crypto.randomUUID()}`));
    await subscribe(
      alice,
      await subscription(`https://updates.push.services.mozilla.com/wpush/v2/${crypto.randomUUID()}`),
    );
  });

  it("refuses a private name behind several trailing dots", async () => {
    const alice = await signUp("ps");
    for (const endpoint of [
      // One trailing dot is the same host; more must not hide it either.
      "https://localhost../wp/1",
      "https://push.localhost.../wp/1",
      "https://metadata.google.internal../wp/1",
    ]) {
      await expectInvalid(alice, await subscription(endpoint), "endpoint");
    }
    // One trailing dot on a public name is still that name.
    await subscribe(alice, await subscription(`https://push.example.test./wp/${crypto.randomUUID()}`));
  });

  it("refuses endpoints that are not https URLs of at most 2048 characters", async () => {
    const alice = await signUp("ps");
    for (const endpoint of [
      "ftp://push.example.test/wp/1",
      "not a url",
      "",
      `https://push.example.test/${"a".repeat(2048)}`,
      "https://user:pass@push.example.test/wp/1",
    ]) {
      await expectInvalid(alice, await subscription(endpoint), "endpoint");
    }
  });

  it("refuses keys of the wrong length, encoding or curve", async () => {
    const alice = await signUp("ps");
    const sub = await subscription();
    const point = fromBase64Url(sub.keys.p256dh);
    const withKeys = (keys: Record<string, unknown>) => ({ endpoint: sub.endpoint, keys: { ...sub.keys, ...keys } });

    await expectInvalid(alice, withKeys({ p256dh: toBase64Url(point.slice(0, 64)) }), "keys.p256dh");
    await expectInvalid(
      alice,
      withKeys({ p256dh: toBase64Url(new Uint8Array([2, ...point.slice(1)])) }),
      "keys.p256dh",
    );
    const offCurve = new Uint8Array(point);
    offCurve[64] = (offCurve[64] ?? 0) ^ 1;
    await expectInvalid(alice, withKeys({ p256dh: toBase64Url(offCurve) }), "keys.p256dh");
    await expectInvalid(alice, withKeys({ p256dh: `${sub.keys.p256dh.slice(0, 86)}+` }), "keys.p256dh");
    await expectInvalid(alice, withKeys({ auth: toBase64Url(new Uint8Array(15)) }), "keys.auth");
    await expectInvalid(alice, withKeys({ auth: toBase64Url(new Uint8Array(17)) }), "keys.auth");
    await expectInvalid(alice, withKeys({ auth: `${sub.keys.auth}==` }), "keys.auth");
    await expectInvalid(alice, withKeys({ auth: 16 }), "keys.auth");
    expect(await rowFor(sub.endpoint)).toBeNull();
  });

  it("refuses missing fields, unknown fields and non-JSON", async () => {
    const alice = await signUp("ps");
    const sub = await subscription();
    await expectInvalid(alice, { keys: sub.keys }, "endpoint");
    await expectInvalid(alice, { endpoint: sub.endpoint }, "keys");
    await expectInvalid(alice, { endpoint: sub.endpoint, keys: { auth: sub.keys.auth } }, "keys.p256dh");
    await expectInvalid(alice, { ...sub, userId: "usr_someone" }, "userId");
    const res = await api("/api/push/subscriptions", { token: alice.accessToken, body: "{not json" });
    expect(res.status).toBe(400);
    expect(await rowFor(sub.endpoint)).toBeNull();
  });

  it("needs a token", async () => {
    const sub = await subscription();
    const res = await api("/api/push/subscriptions", { body: sub });
    expect(res.status).toBe(401);
    expect(await rowFor(sub.endpoint)).toBeNull();
  });
});

describe("DELETE /api/push/subscriptions", () => {
  it("removes the caller's own subscription (204) and is idempotent", async () => {
    const alice = await signUp("pd");
    const sub = await subscription();
    await subscribe(alice, sub);
    const del = { method: "DELETE", token: alice.accessToken, body: { endpoint: sub.endpoint } };
    await apiOk("/api/push/subscriptions", del, 204);
    expect(await rowFor(sub.endpoint)).toBeNull();
    await apiOk("/api/push/subscriptions", del, 204);
  });

  it("leaves another user's subscription untouched", async () => {
    const alice = await signUp("pd");
    const mallory = await signUp("pd");
    const sub = await subscription();
    await subscribe(alice, sub);
    await apiOk(
      "/api/push/subscriptions",
      { method: "DELETE", token: mallory.accessToken, body: { endpoint: sub.endpoint } },
      204,
    );
    expect((await rowFor(sub.endpoint))?.user_id).toBe(alice.user.id);
  });

  it("refuses a missing endpoint and needs a token", async () => {
    const alice = await signUp("pd");
    const sub = await subscription();
    await subscribe(alice, sub);
    const bad = await api("/api/push/subscriptions", { method: "DELETE", token: alice.accessToken, body: {} });
    expect(bad.status).toBe(400);
    const anon = await api("/api/push/subscriptions", { method: "DELETE", body: { endpoint: sub.endpoint } });
    expect(anon.status).toBe(401);
    expect(await rowFor(sub.endpoint)).not.toBeNull();
  });
});
