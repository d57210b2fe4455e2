import { env } from "cloudflare:workers";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url } from "../ids";
import { type PushPayload, sendPush } from "../push/send";
import { apiOk, signUp, type TestUser } from "./helpers";
import { decryptPush, fakePushService, newUserAgent, type TestUserAgent } from "./push-fixtures";

const payload: PushPayload = { conversationId: "cnv_test", seq: 42, title: "Alice", body: "Hi! 👋 Lunch?" };

/** Subscribes `user` through the API with a fresh test user agent; returns what the browser would keep. */
async function subscribed(
  user: TestUser,
  host = "push.example.test",
): Promise<{ endpoint: string; ua: TestUserAgent }> {
  const ua = await newUserAgent();
  const endpoint = `https://${host}/wp/${crypto.randomUUID()}`;
  await apiOk(
    "/api/push/subscriptions",
    { token: user.accessToken, body: { endpoint, keys: { p256dh: ua.p256dh, auth: ua.auth } } },
    201,
  );
  return { endpoint, ua };
}

const exists = async (endpoint: string) =>
  (await env.DB.prepare("SELECT 1 AS one FROM push_subscriptions WHERE endpoint = ?").bind(endpoint).first()) !== null;

async function vapidPublicKey(k: string) {
  const point = fromBase64Url(k);
  return importJWK(
    { kty: "EC", crv: "P-256", x: toBase64Url(point.slice(1, 33)), y: toBase64Url(point.slice(33)) },
    "ES256",
  );
}

describe("sendPush", () => {
  it("POSTs an RFC 8291 body with a verifiable RFC 8292 VAPID JWT that decrypts to the payload", async () => {
    const alice = await signUp("sp");
    const { endpoint, ua } = await subscribed(alice);
    const push = fakePushService();

    const summary = await sendPush(env, alice.user.id, payload, push.fetcher);

    expect(summary).toEqual({ sent: 1, removed: 0, failed: 0 });
    expect(push.requests).toHaveLength(1);
    const req = push.requests[0];
    if (!req) throw new Error("no request");
    expect(req.url).toBe(endpoint);
    expect(req.method).toBe("POST");
    expect(req.headers.get("Content-Encoding")).toBe("aes128gcm");
    expect(req.headers.get("Urgency")).toBe("high");
    expect(Number(req.headers.get("TTL"))).toBeGreaterThan(0);

    const auth = /^vapid t=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)$/.exec(
      req.headers.get("Authorization") ?? "",
    );
    expect(auth, req.headers.get("Authorization") ?? "").not.toBeNull();
    const [, jwt = "", k = ""] = auth ?? [];
    expect(k).toBe(env.VAPID_PUBLIC_KEY);
    expect(decodeProtectedHeader(jwt).alg).toBe("ES256");
    const now = Math.floor(Date.now() / 1000);
    const { payload: claims } = await jwtVerify(jwt, await vapidPublicKey(k), {
      algorithms: ["ES256"],
      audience: "https://push.example.test",
    });
    expect(claims.sub).toBe(env.VAPID_SUBJECT);
    expect(claims.exp).toBeGreaterThan(now);
    expect(claims.exp).toBeLessThanOrEqual(now + 24 * 60 * 60);

    expect(req.body.length).toBeLessThanOrEqual(4096);
    const out = await decryptPush(req.body, ua);
    expect(out.recordSize).toBe(4096);
    expect(out.paddedLength % 256).toBe(0);
    expect(JSON.parse(new TextDecoder().decode(out.plaintext))).toEqual(payload);
  });

  it("sets aud to each endpoint's own origin", async () => {
    const alice = await signUp("sp");
    await subscribed(alice, "fcm.example.test");
    await subscribed(alice, "updates.example.test:8443");
    const push = fakePushService();
    await sendPush(env, alice.user.id, payload, push.fetcher);
    const auds = await Promise.all(
      push.requests.map(async (r) => {
        const [, jwt = "", k = ""] = /^vapid t=([^,]+), k=(.+)$/.exec(r.headers.get("Authorization") ?? "") ?? [];
        const { payload: claims } = await jwtVerify(jwt, await vapidPublicKey(k));
        return [new URL(r.url).origin, claims.aud];
      }),
    );
    expect(auds).toHaveLength(2);
    for (const [origin, aud] of auds) expect(aud).toBe(origin);
  });

  it("deletes subscriptions answered 404 or 410, keeps the ones answered 201, counts the rest as failed", async () => {
    const alice = await signUp("sp");
    const ok = await subscribed(alice, "ok.example.test");
    const gone = await subscribed(alice, "gone.example.test");
    const missing = await subscribed(alice, "missing.example.test");
    const busy = await subscribed(alice, "busy.example.test");
    const status: Record<string, number> = {
      "ok.example.test": 201,
      "gone.example.test": 410,
      "missing.example.test": 404,
      "busy.example.test": 429,
    };
    const push = fakePushService((url) => status[new URL(url).hostname] ?? 500);

    const summary = await sendPush(env, alice.user.id, payload, push.fetcher);

    expect(summary).toEqual({ sent: 1, removed: 2, failed: 1 });
    expect(await exists(ok.endpoint)).toBe(true);
    expect(await exists(gone.endpoint)).toBe(false);
    expect(await exists(missing.endpoint)).toBe(false);
    expect(await exists(busy.endpoint)).toBe(true);
  });

  it("counts a network error as failed and still delivers to the other subscriptions", async () => {
    const alice = await signUp("sp");
    const down = await subscribed(alice, "down.example.test");
    await subscribed(alice, "up.example.test");
    const push = fakePushService();
    const flaky = (url: string, init: RequestInit) =>
      new URL(url).hostname === "down.example.test"
        ? Promise.reject(new TypeError("network"))
        : push.fetcher(url, init);

    expect(await sendPush(env, alice.user.id, payload, flaky)).toEqual({ sent: 1, removed: 0, failed: 1 });
    expect(await exists(down.endpoint)).toBe(true);
  });

  it("reaches only the given user's subscriptions, and nothing for a user without any", async () => {
    const alice = await signUp("sp");
    const bob = await signUp("sp");
    const carol = await signUp("sp");
    const mine = await subscribed(alice);
    await subscribed(bob);
    const push = fakePushService();

    expect(await sendPush(env, alice.user.id, payload, push.fetcher)).toEqual({ sent: 1, removed: 0, failed: 0 });
    expect(push.requests.map((r) => r.url)).toEqual([mine.endpoint]);
    expect(await sendPush(env, carol.user.id, payload, push.fetcher)).toEqual({ sent: 0, removed: 0, failed: 0 });
    expect(push.requests).toHaveLength(1);
  });

  it("cuts long previews so the message still fits one 4 KiB push", async () => {
    const alice = await signUp("sp");
    const { ua } = await subscribed(alice);
    const push = fakePushService();
    const long = { ...payload, title: "T".repeat(500), body: "\u0001".repeat(4000) };

    expect((await sendPush(env, alice.user.id, long, push.fetcher)).sent).toBe(1);
    const body = push.requests[0]?.body ?? new Uint8Array();
    expect(body.length).toBeLessThanOrEqual(4096);
    const got = JSON.parse(new TextDecoder().decode((await decryptPush(body, ua)).plaintext)) as PushPayload;
    expect(got.seq).toBe(42);
    expect(long.body.startsWith(got.body.slice(0, -1))).toBe(true);
    expect(got.body.endsWith("…")).toBe(true);
    expect(got.title.length).toBeLessThan(long.title.length);
  });

  it("sends nothing, and says so, when the VAPID key pair is not a pair", async () => {
    const alice = await signUp("sp");
    const { endpoint } = await subscribed(alice);
    const push = fakePushService();
    const other = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]);
    if (!("privateKey" in other)) throw new Error("expected a key pair");
    const jwk = await crypto.subtle.exportKey("jwk", other.privateKey);
    if (jwk instanceof ArrayBuffer) throw new Error("expected a JWK");
    const mismatched = { ...env, VAPID_PRIVATE_KEY: jwk.d ?? "" };

    expect(await sendPush(mismatched, alice.user.id, payload, push.fetcher)).toEqual({
      sent: 0,
      removed: 0,
      failed: 1,
    });
    expect(push.requests).toHaveLength(0);
    expect(await exists(endpoint)).toBe(true);
  });
});
