import { env } from "cloudflare:workers";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";
import { fromBase64Url } from "../ids";
import type { AuthResult, Me } from "../protocol";
import { api, apiOk, signUp, type TestUser } from "./helpers";

const STEP_MS = 30_000;

/**
 * The code for the current step plus `offset` steps. Near a step boundary
 * it first waits for the next step, so the code cannot drift out of the
 * ±1 window between computing and checking it.
 */
async function code(secret: string, offset = 0): Promise<string> {
  const left = STEP_MS - (Date.now() % STEP_MS);
  if (left < 1500) await new Promise((r) => setTimeout(r, left + 50));
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + offset * STEP_MS });
}

/** A 6-digit code that is valid for no step in the window. */
async function wrongCode(secret: string): Promise<string> {
  const valid = new Set([await code(secret, -1), await code(secret, 0), await code(secret, 1)]);
  for (let n = 0; ; n++) {
    const c = String(n).padStart(6, "0");
    if (!valid.has(c)) return c;
  }
}

async function expectCode(res: Response, status: number, errorCode: string): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe(errorCode);
}

const setup = (u: TestUser) =>
  apiOk<{ secret: string; otpauthUrl: string }>("/api/auth/totp/setup", { method: "POST", token: u.accessToken });
const enable = (u: TestUser, otp: unknown, password: unknown = u.password) =>
  api("/api/auth/totp/enable", { token: u.accessToken, body: { password, otp } });
const login = (u: TestUser, extra: Record<string, unknown> = {}) =>
  api("/api/auth/login", { body: { username: u.user.username, password: u.password, ...extra } });

/** A user with TOTP enabled using the previous step's code (so the current and next steps stay usable). */
async function userWithTotp(): Promise<{ u: TestUser; secret: string }> {
  const u = await signUp("totp");
  const { secret } = await setup(u);
  expect((await enable(u, await code(secret, -1))).status).toBe(204);
  return { u, secret };
}

describe("TOTP setup and enable", () => {
  it("returns an RFC 6238 secret and otpauth URL, stored encrypted and not yet enabled", async () => {
    const u = await signUp("totp");
    const { secret, otpauthUrl } = await setup(u);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const url = new URL(otpauthUrl);
    expect(url.protocol).toBe("otpauth:");
    expect(url.host).toBe("totp");
    expect(url.searchParams.get("secret")).toBe(secret);
    expect(url.searchParams.get("algorithm")).toBe("SHA1");
    expect(url.searchParams.get("digits")).toBe("6");
    expect(url.searchParams.get("period")).toBe("30");
    expect(decodeURIComponent(url.pathname)).toContain(u.user.username);

    const row = await env.DB.prepare("SELECT totp_secret_enc, totp_enabled FROM users WHERE id = ?")
      .bind(u.user.id)
      .first<{ totp_secret_enc: string; totp_enabled: number }>();
    expect(row?.totp_enabled).toBe(0);
    expect(row?.totp_secret_enc).not.toContain(secret);
    // 12-byte IV + 20-byte secret as base32 text (32 bytes) + 16-byte GCM tag.
    expect(fromBase64Url(row?.totp_secret_enc ?? "").length).toBe(12 + 32 + 16);

    expect((await apiOk<Me>("/api/me", { token: u.accessToken })).totpEnabled).toBe(false);
    // A pending secret does not guard login yet.
    expect((await login(u)).status).toBe(200);
  });

  it("enables with a correct code, refuses a wrong one, and then refuses setup with 409", async () => {
    const u = await signUp("totp");
    const { secret } = await setup(u);
    await expectCode(await enable(u, await wrongCode(secret)), 401, "invalid_otp");
    await expectCode(await enable(u, "12345"), 400, "invalid_request");
    await expectCode(await enable(u, 123456), 400, "invalid_request");
    expect((await enable(u, await code(secret))).status).toBe(204);
    expect((await apiOk<Me>("/api/me", { token: u.accessToken })).totpEnabled).toBe(true);
    await expectCode(await api("/api/auth/totp/setup", { method: "POST", token: u.accessToken }), 409, "conflict");
    await expectCode(await enable(u, await code(secret, 1)), 409, "conflict");
  });

  it("replaces a pending secret on a second setup", async () => {
    const u = await signUp("totp");
    const first = await setup(u);
    const second = await setup(u);
    expect(second.secret).not.toBe(first.secret);
    const firstCode = await code(first.secret);
    if (firstCode !== (await code(second.secret))) {
      await expectCode(await enable(u, firstCode), 401, "invalid_otp");
    }
    expect((await enable(u, await code(second.secret))).status).toBe(204);
  });

  it("needs the password as well as a code: an access token alone cannot lock the owner out", async () => {
    const u = await signUp("totp");
    const { secret } = await setup(u);
    await expectCode(await enable(u, await code(secret), "wrong-password"), 401, "invalid_credentials");
    const noPassword = await api("/api/auth/totp/enable", { token: u.accessToken, body: { otp: await code(secret) } });
    await expectCode(noPassword, 400, "invalid_request");
    expect((await apiOk<Me>("/api/me", { token: u.accessToken })).totpEnabled).toBe(false);
    // The owner, who never saw the secret, still signs in with the password alone.
    expect((await login(u)).status).toBe(200);
    expect((await enable(u, await code(secret))).status).toBe(204);
  });

  it("refuses enable without a pending setup, and unauthenticated calls", async () => {
    const u = await signUp("totp");
    await expectCode(await enable(u, "123456"), 409, "conflict");
    await expectCode(await api("/api/auth/totp/setup", { method: "POST" }), 401, "unauthorized");
  });
});

describe("login with TOTP enabled", () => {
  it("asks for the code only after the right password, and refuses a replayed code", async () => {
    const { u, secret } = await userWithTotp();
    await expectCode(await login(u, { password: "wrong-password" }), 401, "invalid_credentials");
    await expectCode(await login(u), 401, "otp_required");
    await expectCode(await login(u, { otp: await wrongCode(secret) }), 401, "invalid_otp");
    const otp = await code(secret);
    const ok = await login(u, { otp });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as AuthResult).user.id).toBe(u.user.id);
    // Same step again: refused, even though the code is still inside the window.
    await expectCode(await login(u, { otp }), 401, "invalid_otp");
    // The code used to enable (an older step) is refused too.
    await expectCode(await login(u, { otp: await code(secret, -1) }), 401, "invalid_otp");
  });

  it("requires the code for a password change", async () => {
    const { u, secret } = await userWithTotp();
    const body = { currentPassword: u.password, newPassword: "another-password-1" };
    await expectCode(await api("/api/auth/password", { token: u.accessToken, body }), 401, "otp_required");
    await expectCode(
      await api("/api/auth/password", { token: u.accessToken, body: { ...body, otp: await wrongCode(secret) } }),
      401,
      "invalid_otp",
    );
    const res = await api("/api/auth/password", { token: u.accessToken, body: { ...body, otp: await code(secret) } });
    expect(res.status).toBe(204);
  });
});

describe("POST /api/auth/totp/disable", () => {
  it("needs the password and a fresh code, then login no longer asks for one", async () => {
    const { u, secret } = await userWithTotp();
    const disable = (body: unknown) => api("/api/auth/totp/disable", { token: u.accessToken, body });
    await expectCode(
      await disable({ password: "wrong-password", otp: await code(secret) }),
      401,
      "invalid_credentials",
    );
    await expectCode(await disable({ password: u.password, otp: await wrongCode(secret) }), 401, "invalid_otp");
    await expectCode(await disable({ password: u.password }), 400, "invalid_request");
    expect((await disable({ password: u.password, otp: await code(secret) })).status).toBe(204);
    expect((await apiOk<Me>("/api/me", { token: u.accessToken })).totpEnabled).toBe(false);
    expect((await login(u)).status).toBe(200);
    await expectCode(await disable({ password: u.password, otp: await code(secret, 1) }), 409, "conflict");
  });
});
