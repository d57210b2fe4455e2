import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../ids";
import type { AuthResult, TokenPair } from "../protocol";
import { api, apiOk, signUp, type TestUser } from "./helpers";

const refresh = (refreshToken: unknown) => api("/api/auth/refresh", { body: { refreshToken } });

/** REFRESH_REUSE_WINDOW_MS as the tests' wrangler.toml sets it. */
const reuseWindow = Number(env.REFRESH_REUSE_WINDOW_MS);

/** Moves a token's rotation `ms` into the past: the clock is injected through the row, no test waits. */
async function backdateRotation(refreshToken: string, ms: number): Promise<void> {
  const changed = await env.DB.prepare(
    "UPDATE refresh_tokens SET rotated_at = rotated_at - ? WHERE token_hash = ? AND rotated_at IS NOT NULL",
  )
    .bind(ms, await sha256Hex(refreshToken))
    .run();
  expect(changed.meta.changes).toBe(1);
}

async function expectCode(res: Response, status: number, code: string): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe(code);
}

async function login(u: TestUser, password = u.password): Promise<AuthResult> {
  return apiOk<AuthResult>("/api/auth/login", { body: { username: u.user.username, password } });
}

describe("sessions", () => {
  it("last 30 days from login, fixed, and remember the client's User-Agent", async () => {
    const u = await signUp();
    const res = await api("/api/auth/login", {
      body: { username: u.user.username, password: u.password },
      headers: { "User-Agent": "imsys-test/1.0" },
    });
    expect(res.status).toBe(200);
    const row = await env.DB.prepare(
      "SELECT created_at, expires_at, user_agent FROM sessions WHERE user_id = ? ORDER BY created_at DESC, rowid DESC",
    )
      .bind(u.user.id)
      .first<{ created_at: number; expires_at: number; user_agent: string | null }>();
    expect(row?.expires_at).toBe((row?.created_at ?? 0) + 30 * 24 * 60 * 60 * 1000);
    expect(row?.user_agent).toBe("imsys-test/1.0");
    const { refreshToken } = (await res.json()) as AuthResult;
    await apiOk("/api/auth/refresh", { body: { refreshToken } });
    const after = await env.DB.prepare("SELECT expires_at FROM sessions WHERE user_id = ? AND user_agent = ?")
      .bind(u.user.id, "imsys-test/1.0")
      .first<{ expires_at: number }>();
    expect(after?.expires_at).toBe(row?.expires_at);
  });
});

describe("POST /api/auth/refresh", () => {
  it("rotates: a new pair that works, and the session stays the same", async () => {
    const u = await signUp();
    const next = await apiOk<TokenPair>("/api/auth/refresh", { body: { refreshToken: u.refreshToken } });
    expect(next.expiresIn).toBe(900);
    expect(next.refreshToken).not.toBe(u.refreshToken);
    await apiOk("/api/me", { token: next.accessToken });
    const again = await apiOk<TokenPair>("/api/auth/refresh", { body: { refreshToken: next.refreshToken } });
    await apiOk("/api/me", { token: again.accessToken });
    const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?")
      .bind(u.user.id)
      .first<{ n: number }>();
    expect(n?.n).toBe(1);
  });

  it("treats a token used again after the reuse window as stolen: 401, and the whole session is revoked", async () => {
    const u = await signUp();
    const next = await apiOk<TokenPair>("/api/auth/refresh", { body: { refreshToken: u.refreshToken } });
    await backdateRotation(u.refreshToken, reuseWindow + 1000);
    await expectCode(await refresh(u.refreshToken), 401, "unauthorized");
    // Every credential of that session is now dead...
    await expectCode(await api("/api/me", { token: next.accessToken }), 401, "unauthorized");
    await expectCode(await api("/api/me", { token: u.accessToken }), 401, "unauthorized");
    await expectCode(await refresh(next.refreshToken), 401, "unauthorized");
    const row = await env.DB.prepare("SELECT revoked_at, revoked_reason FROM sessions WHERE user_id = ?")
      .bind(u.user.id)
      .first<{ revoked_at: number | null; revoked_reason: string | null }>();
    expect(row?.revoked_at).toEqual(expect.any(Number));
    expect(row?.revoked_reason).toBe("refresh_reuse");
    // ...but the account is not: a fresh login works.
    await login(u);
  });

  it("gives a second refresh of one token within the reuse window the same new pair (two tabs)", async () => {
    const u = await signUp();
    const first = await apiOk<TokenPair>("/api/auth/refresh", { body: { refreshToken: u.refreshToken } });
    const second = await apiOk<TokenPair>("/api/auth/refresh", { body: { refreshToken: u.refreshToken } });
    expect(second).toEqual(first);
    // Later inside the window (half of it has passed): the same successor, an
    // access token dated at the (moved) rotation time.
    await backdateRotation(u.refreshToken, reuseWindow / 2);
    const third = await apiOk<TokenPair>("/api/auth/refresh", { body: { refreshToken: u.refreshToken } });
    expect(third.refreshToken).toBe(first.refreshToken);
    await apiOk("/api/me", { token: third.accessToken });
    // The session is intact and the shared pair works, once.
    await apiOk("/api/me", { token: second.accessToken });
    await apiOk("/api/auth/refresh", { body: { refreshToken: second.refreshToken } });
    const live = await env.DB.prepare("SELECT revoked_at FROM sessions WHERE user_id = ?")
      .bind(u.user.id)
      .first<{ revoked_at: number | null }>();
    expect(live?.revoked_at).toBeNull();
  });

  it("answers two concurrent refreshes of one token with the same pair, and keeps the session", async () => {
    const u = await signUp();
    const results = await Promise.all([refresh(u.refreshToken), refresh(u.refreshToken)]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    const [a, b] = (await Promise.all(results.map((r) => r.json()))) as TokenPair[];
    expect(a).toEqual(b);
    await apiOk("/api/me", { token: a?.accessToken });
    await apiOk("/api/auth/refresh", { body: { refreshToken: a?.refreshToken } });
    const n = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE s.user_id = ?",
    )
      .bind(u.user.id)
      .first<{ n: number }>();
    // The first token, the one successor both got, and the successor's successor.
    expect(n?.n).toBe(3);
  });

  it("refuses an access token presented as refresh token, and unknown tokens", async () => {
    const u = await signUp();
    await expectCode(await refresh(u.accessToken), 401, "unauthorized");
    await expectCode(await refresh("A".repeat(43)), 401, "unauthorized");
    // The session was not harmed by the failed attempt.
    await apiOk("/api/auth/refresh", { body: { refreshToken: u.refreshToken } });
  });

  it("answers 400 invalid_request for a bad body", async () => {
    await expectCode(await api("/api/auth/refresh", { body: {} }), 400, "invalid_request");
    await expectCode(await refresh(123), 400, "invalid_request");
    await expectCode(await api("/api/auth/refresh", { body: "{oops" }), 400, "invalid_request");
  });

  it("refuses the refresh token of an expired session", async () => {
    const u = await signUp();
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?")
      .bind(Date.now() - 1, u.user.id)
      .run();
    await expectCode(await refresh(u.refreshToken), 401, "unauthorized");
  });
});

describe("POST /api/auth/logout", () => {
  it("revokes this session only: its access and refresh tokens are refused, others live on", async () => {
    const u = await signUp();
    const other = await login(u);
    const res = await api("/api/auth/logout", { method: "POST", token: u.accessToken });
    expect(res.status).toBe(204);
    await expectCode(await api("/api/me", { token: u.accessToken }), 401, "unauthorized");
    await expectCode(await refresh(u.refreshToken), 401, "unauthorized");
    await apiOk("/api/me", { token: other.accessToken });
    await apiOk("/api/auth/refresh", { body: { refreshToken: other.refreshToken } });
  });

  it("needs a valid access token", async () => {
    await expectCode(await api("/api/auth/logout", { method: "POST" }), 401, "unauthorized");
    const u = await signUp();
    await expectCode(await api("/api/auth/logout", { method: "POST", token: u.refreshToken }), 401, "unauthorized");
  });
});

describe("POST /api/auth/password", () => {
  it("changes the password and revokes every other session but not the current one", async () => {
    const u = await signUp();
    const other = await login(u);
    const newPassword = `new-${crypto.randomUUID()}`;
    const res = await api("/api/auth/password", {
      token: u.accessToken,
      body: { currentPassword: u.password, newPassword },
    });
    expect(res.status).toBe(204);
    // The current session keeps working, including its refresh token.
    await apiOk("/api/me", { token: u.accessToken });
    await apiOk("/api/auth/refresh", { body: { refreshToken: u.refreshToken } });
    // The other one is gone.
    await expectCode(await api("/api/me", { token: other.accessToken }), 401, "unauthorized");
    await expectCode(await refresh(other.refreshToken), 401, "unauthorized");
    // Old password out, new one in.
    await expectCode(
      await api("/api/auth/login", { body: { username: u.user.username, password: u.password } }),
      401,
      "invalid_credentials",
    );
    await login(u, newPassword);
  });

  it("refuses a wrong current password with 401 invalid_credentials and changes nothing", async () => {
    const u = await signUp();
    const other = await login(u);
    await expectCode(
      await api("/api/auth/password", {
        token: u.accessToken,
        body: { currentPassword: "wrong-password", newPassword: "whatever-new-1" },
      }),
      401,
      "invalid_credentials",
    );
    await apiOk("/api/me", { token: other.accessToken });
    await login(u);
  });

  it("validates the body and needs authentication", async () => {
    const u = await signUp();
    await expectCode(
      await api("/api/auth/password", {
        token: u.accessToken,
        body: { currentPassword: u.password, newPassword: "short" },
      }),
      400,
      "invalid_request",
    );
    await expectCode(
      await api("/api/auth/password", { token: u.accessToken, body: { newPassword: "long-enough-1" } }),
      400,
      "invalid_request",
    );
    await expectCode(
      await api("/api/auth/password", { body: { currentPassword: u.password, newPassword: "long-enough-1" } }),
      401,
      "unauthorized",
    );
  });
});
