import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PBKDF2_ALGORITHM, PBKDF2_MAX_ITERATIONS, parsePasswordHash } from "../auth/password";
import type { AuthResult, ErrorBody, Me } from "../protocol";
import { api, apiOk, BASE, randomIp, signUp, uniqueName } from "./helpers";

async function expectError(res: Response, status: number, code: string): Promise<ErrorBody["error"]> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const body = JSON.parse(text) as ErrorBody;
  expect(body.error.code).toBe(code);
  return body.error;
}

const register = (body: unknown) => api("/api/auth/register", { body });
const login = (body: unknown) => api("/api/auth/login", { body });

describe("POST /api/auth/register", () => {
  it("creates the user, lower-cases the username and answers 201 with working tokens", async () => {
    const name = uniqueName("Reg");
    const res = await register({ username: name.toUpperCase(), password: "correct horse" });
    expect(res.status).toBe(201);
    const body = (await res.json()) as AuthResult;
    expect(body.user).toEqual({
      id: expect.any(String),
      username: name.toLowerCase(),
      displayName: name.toLowerCase(),
    });
    expect(body.expiresIn).toBe(900);
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await apiOk<Me>("/api/me", { token: body.accessToken });
    expect(me.id).toBe(body.user.id);
  });

  it("keeps a trimmed displayName", async () => {
    const body = await apiOk<AuthResult>(
      "/api/auth/register",
      { body: { username: uniqueName(), password: "password1", displayName: "  Ada L.  " } },
      201,
    );
    expect(body.user.displayName).toBe("Ada L.");
  });

  it("refuses a username taken in another case with 409 conflict", async () => {
    const name = uniqueName("dup");
    await apiOk("/api/auth/register", { body: { username: name, password: "password1" } }, 201);
    await expectError(await register({ username: name.toUpperCase(), password: "password2" }), 409, "conflict");
  });

  it("stores the refresh token only as its SHA-256 and the password with production-safe PBKDF2", async () => {
    const u = await signUp();
    const row = await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?")
      .bind(u.user.id)
      .first<{ password_hash: string }>();
    const params = parsePasswordHash(row?.password_hash ?? "");
    expect(params?.algorithm).toBe(PBKDF2_ALGORITHM);
    expect(params?.iterations).toBe(100_000);
    expect(PBKDF2_MAX_ITERATIONS).toBeLessThanOrEqual(100_000);
    expect(params?.salt.length).toBe(16);
    expect(params?.hash.length).toBe(32);
    expect(row?.password_hash).not.toContain(u.password);

    const raw = await env.DB.prepare("SELECT COUNT(*) AS n FROM refresh_tokens WHERE token_hash = ?")
      .bind(u.refreshToken)
      .first<{ n: number }>();
    expect(raw?.n).toBe(0);
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(u.refreshToken)))]
      .map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    const hashed = await env.DB.prepare("SELECT COUNT(*) AS n FROM refresh_tokens WHERE token_hash = ?")
      .bind(digest)
      .first<{ n: number }>();
    expect(hashed?.n).toBe(1);
  });

  const bad: Array<[string, unknown, string]> = [
    ["missing username", { password: "password1" }, "username"],
    ["missing password", { username: "validname" }, "password"],
    ["username of wrong type", { username: 42, password: "password1" }, "username"],
    ["password of wrong type", { username: "validname", password: ["password1"] }, "password"],
    ["too short username", { username: "ab", password: "password1" }, "username"],
    ["too long username", { username: "a".repeat(33), password: "password1" }, "username"],
    ["bad username characters", { username: "bad name!", password: "password1" }, "username"],
    ["non-ASCII username", { username: "jürgen", password: "password1" }, "username"],
    ["too short password", { username: "validname", password: "1234567" }, "password"],
    ["too long password", { username: "validname", password: "p".repeat(129) }, "password"],
    ["empty displayName", { username: "validname", password: "password1", displayName: "   " }, "displayName"],
    [
      "too long displayName",
      { username: "validname", password: "password1", displayName: "d".repeat(65) },
      "displayName",
    ],
    ["unknown field", { username: "validname", password: "password1", admin: true }, "admin"],
  ];
  for (const [what, body, field] of bad) {
    it(`answers 400 invalid_request naming the field for ${what}`, async () => {
      const error = await expectError(await register(body), 400, "invalid_request");
      expect(JSON.stringify(error.details)).toContain(field);
    });
  }

  it("answers 400 invalid_request for malformed JSON and for a non-object body", async () => {
    await expectError(await register("{not json"), 400, "invalid_request");
    await expectError(await register("[]"), 400, "invalid_request");
    await expectError(await register("null"), 400, "invalid_request");
  });

  it("answers 400 invalid_request for a body not declared as JSON", async () => {
    const res = await exports.default.fetch(`${BASE}/api/auth/register`, {
      method: "POST",
      headers: { "Content-Type": "text/plain", "CF-Connecting-IP": randomIp() },
      body: JSON.stringify({ username: uniqueName(), password: "password1" }),
    });
    await expectError(res, 400, "invalid_request");
  });
});

describe("POST /api/auth/login", () => {
  it("logs in with any case of the username and opens a new session", async () => {
    const u = await signUp();
    const body = await apiOk<AuthResult>("/api/auth/login", {
      body: { username: u.user.username.toUpperCase(), password: u.password },
    });
    expect(body.user).toEqual(u.user);
    expect(body.refreshToken).not.toBe(u.refreshToken);
    await apiOk("/api/me", { token: body.accessToken });
    const sessions = await env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?")
      .bind(u.user.id)
      .first<{ n: number }>();
    expect(sessions?.n).toBe(2);
  });

  it("answers a wrong password and an unknown user alike: 401 invalid_credentials, same message", async () => {
    const u = await signUp();
    const wrong = await expectError(
      await login({ username: u.user.username, password: "not-the-password" }),
      401,
      "invalid_credentials",
    );
    const unknown = await expectError(
      await login({ username: uniqueName("ghost"), password: u.password }),
      401,
      "invalid_credentials",
    );
    expect(unknown.message).toBe(wrong.message);
  });

  it("answers 400 invalid_request for bad bodies", async () => {
    await expectError(await login({ username: "someone" }), 400, "invalid_request");
    await expectError(await login({ username: "someone", password: 12345678 }), 400, "invalid_request");
    await expectError(
      await login({ username: "someone", password: "password1", otp: "12ab56" }),
      400,
      "invalid_request",
    );
    await expectError(await login("{"), 400, "invalid_request");
  });
});
