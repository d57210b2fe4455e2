// Issue 7 item 1: key rotation, algorithm confusion, and sockets whose token
// expires or whose session ends while they are open.
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { signAccessToken, verifyAccessToken } from "../auth/tokens";
import type { Bindings } from "../http/env";
import { toBase64Url } from "../ids";
import { CloseCode } from "../protocol";
import { join, makeGroup } from "./conversation-fixtures";
import { keepAlive } from "./fuzz-invariants";
import { api, apiOk, signUp, type TestUser } from "./helpers";
import { kidOf, shortLived } from "./token-fixtures";

const encoder = new TextEncoder();
const freshSecret = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Worker's env with other JWT secrets, as `wrangler secret put` would set them. */
const withSecrets = (current: string, previous?: string): Bindings =>
  ({ ...env, JWT_SECRET: current, JWT_SECRET_PREVIOUS: previous }) as Bindings;

const b64json = (value: unknown) => toBase64Url(encoder.encode(JSON.stringify(value)));

/** A JWS whose header claims `alg` but whose signature is HMAC-SHA256 (or -SHA512) under `secret`. */
async function handSigned(alg: string, hash: "SHA-256" | "SHA-512", secret: string, payload: unknown) {
  const header = b64json({ alg, typ: "JWT", kid: await kidOf(secret) });
  const input = `${header}.${b64json(payload)}`;
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(input)));
  return `${input}.${toBase64Url(sig)}`;
}

describe("signing key rotation", () => {
  let u: TestUser;
  beforeAll(async () => {
    u = await signUp("rot");
  });

  it("a token signed under the previous secret verifies while JWT_SECRET_PREVIOUS is set, and not after", async () => {
    const next = freshSecret();
    const during = withSecrets(next, env.JWT_SECRET);
    const auth = await verifyAccessToken(during, u.accessToken);
    expect(auth).toMatchObject({ userId: u.user.id, sessionId: decodeJwt(u.accessToken).sid });
    // The new secret signs from now on, and both live kids verify.
    const fresh = await signAccessToken(during, u.user.id, String(auth?.sessionId));
    expect(decodeJwt(fresh).sub).toBe(u.user.id);
    expect(await verifyAccessToken(during, fresh)).not.toBeNull();
    // Rotation finished: the old secret is gone, its tokens die, the new ones live.
    const after = withSecrets(next);
    expect(await verifyAccessToken(after, u.accessToken)).toBeNull();
    expect(await verifyAccessToken(after, fresh)).not.toBeNull();
  });

  it("a token under a secret that is neither current nor previous fails", async () => {
    const stranger = freshSecret();
    const forged = await signAccessToken(withSecrets(stranger), u.user.id, String(decodeJwt(u.accessToken).sid));
    expect(await verifyAccessToken(withSecrets(freshSecret(), env.JWT_SECRET), forged)).toBeNull();
    expect(await verifyAccessToken(env as Bindings, forged)).toBeNull();
    expect((await api("/api/me", { token: forged })).status).toBe(401);
  });
});

describe("algorithm confusion", () => {
  let u: TestUser;
  beforeAll(async () => {
    u = await signUp("alg");
  });

  const payloadOf = (user: TestUser) => decodeJwt(user.accessToken);

  it("the hand-signing harness is sound: HS256 by hand is accepted", async () => {
    const token = await handSigned("HS256", "SHA-256", env.JWT_SECRET, payloadOf(u));
    expect(await verifyAccessToken(env as Bindings, token)).not.toBeNull();
    expect((await api("/api/me", { token })).status).toBe(200);
  });

  it("refuses HS512 signed with the HS secret", async () => {
    const token = await handSigned("HS512", "SHA-512", env.JWT_SECRET, payloadOf(u));
    expect(await verifyAccessToken(env as Bindings, token)).toBeNull();
    const res = await api("/api/me", { token });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("refuses an RS256 header over an HMAC signature made with the HS secret", async () => {
    const token = await handSigned("RS256", "SHA-256", env.JWT_SECRET, payloadOf(u));
    expect(await verifyAccessToken(env as Bindings, token)).toBeNull();
    expect((await api("/api/me", { token })).status).toBe(401);
  });
});

describe("open sockets when the token or session ends", () => {
  it("a conversation socket whose token expired is closed with 4001 at expiry, though it only pings", async () => {
    const [owner, other] = [await signUp("exp"), await signUp("exp")];
    const group = await makeGroup(owner, [other], "expiry");
    const short = await shortLived(owner, 2);
    const s = await join(group.id, short);
    // Pings are answered by the runtime and never wake the object: only its alarm at `exp` can close this.
    keepAlive(s);
    // Still valid: a frame is answered, the socket stays open.
    s.send({ type: "send", clientId: "before-exp", kind: "text", text: "hi" });
    await expect.poll(() => s.frames.some((f) => f.type === "ack")).toBe(true);
    const closed = await s.closed;
    expect(closed).toEqual({ code: CloseCode.unauthorized, reason: "token expired" });
    // Closed at expiry, not before (exp is in whole seconds).
    expect(Date.now()).toBeGreaterThanOrEqual(short.exp * 1000);
    // After the close nothing of the conversation reaches it: a message sent now is not among its frames.
    await apiOk(
      `/api/conversations/${group.id}/messages`,
      { token: other.accessToken, body: { clientId: "after-exp", kind: "text", text: "late" } },
      201,
    );
    expect(s.frames.some((f) => f.type === "events" && JSON.stringify(f).includes("after-exp"))).toBe(false);
  });

  it("a socket whose session is revoked by logout closes with 4001 within 1 s", async () => {
    const [owner, other] = [await signUp("out"), await signUp("out")];
    const group = await makeGroup(owner, [other], "logout");
    const s = await join(group.id, owner);
    const bystander = await join(group.id, other);
    const start = Date.now();
    const res = await api("/api/auth/logout", { method: "POST", token: owner.accessToken });
    expect(res.status).toBe(204);
    const closed = await Promise.race([s.closed, sleep(5000).then(() => null)]);
    const elapsed = Date.now() - start;
    expect(closed?.code).toBe(CloseCode.unauthorized);
    expect(elapsed).toBeLessThan(1000);
    // Only that session's sockets end; another user's socket still works.
    bystander.send({ type: "send", clientId: "still-here", kind: "text", text: "ok" });
    await expect.poll(() => bystander.frames.some((f) => f.type === "ack")).toBe(true);
    expect((await api("/api/me", { token: owner.accessToken })).status).toBe(401);
    bystander.close();
  });
});
