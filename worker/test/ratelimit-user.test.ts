import { describe, expect, it } from "vitest";
import { api, openSocket, signUp } from "./helpers";
import { inOneRateWindow } from "./rate-window";

// The per-user limits are 60 per minute (wrangler.toml). They count every
// attempt, before the body is looked at, so refused requests still count.
const LIMIT = 60;

async function exhaust(path: string, token: string, body: unknown): Promise<Response> {
  for (let i = 0; i < LIMIT; i++) {
    const res = await api(path, { token, body });
    expect(res.status, `attempt ${i + 1}`).not.toBe(429);
  }
  return api(path, { token, body });
}

describe("per-user rate limits", () => {
  it("answers the 61st friend request in a minute with 429 and Retry-After, for that user only", () =>
    inOneRateWindow(async () => {
      const [alice, bob] = await Promise.all([signUp("rl"), signUp("rl")]);
      const over = await exhaust("/api/friends/requests", alice.accessToken, { userId: "usr_nobody" });
      expect(over.status).toBe(429);
      expect(Number(over.headers.get("Retry-After"))).toBeGreaterThan(0);
      expect(((await over.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
      // Another user is not affected.
      const other = await api("/api/friends/requests", { token: bob.accessToken, body: { userId: "usr_nobody" } });
      expect(other.status).toBe(404);
    }));

  it("answers the 61st upload in a minute with 429", () =>
    inOneRateWindow(async () => {
      const carol = await signUp("rl");
      const over = await exhaust("/api/files", carol.accessToken, { conversationId: "c_none", name: "a", size: 1 });
      expect(over.status).toBe(429);
    }));
});

describe("per-user limit on account changes", () => {
  // ACCOUNT_USER_LIMIT in wrangler.toml: one budget for password change and TOTP setup/enable/disable.
  const ACCOUNT_LIMIT = 10;

  it("answers the 11th password change or TOTP call in a minute with 429, for that user only", () =>
    inOneRateWindow(async () => {
      const [alice, bob] = await Promise.all([signUp("rl"), signUp("rl")]);
      const wrong = { currentPassword: "wrong-password", newPassword: "new-password-1" };
      for (let i = 0; i < ACCOUNT_LIMIT; i++) {
        const res = await api("/api/auth/password", { token: alice.accessToken, body: wrong });
        expect(res.status, `attempt ${i + 1}`).toBe(401);
      }
      // The right password does not help now, and the TOTP endpoints share the budget.
      const right = { currentPassword: alice.password, newPassword: "new-password-1" };
      const calls: Array<[string, unknown]> = [
        ["/api/auth/password", right],
        ["/api/auth/totp/setup", undefined],
        ["/api/auth/totp/enable", { password: alice.password, otp: "123456" }],
        ["/api/auth/totp/disable", { password: alice.password, otp: "123456" }],
      ];
      for (const [path, body] of calls) {
        const res = await api(path, { method: "POST", token: alice.accessToken, body });
        expect(res.status, path).toBe(429);
        expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
      }
      const other = await api("/api/auth/totp/setup", { method: "POST", token: bob.accessToken });
      expect(other.status).toBe(200);
    }));
});

describe("per-user limit on socket handshakes", () => {
  // SOCKET_USER_LIMIT in wrangler.toml: inbox and conversation upgrades share 300 a minute (a client may keep one socket per conversation: the bench opens 100 per user).
  const SOCKET_LIMIT = 300;

  it(
    "answers the 301st WebSocket handshake in a minute with 429, before any object is reached, for that user only",
    () =>
      inOneRateWindow(async () => {
        const [dan, eve] = await Promise.all([signUp("rl"), signUp("rl")]);
        for (let i = 0; i < SOCKET_LIMIT; i++) {
          // Past the cap of 10 open inbox sockets each one is accepted and closed with 4008: still a handshake.
          const s = await openSocket("/api/inbox/ws", dan.accessToken);
          expect(s instanceof Response ? s.status : 101, `handshake ${i + 1}`).toBe(101);
          if (!(s instanceof Response)) s.ws.close(1000, "done");
        }
        const over = await openSocket("/api/conversations/c_none/ws", dan.accessToken);
        expect(over instanceof Response && over.status).toBe(429);
        const other = await openSocket("/api/inbox/ws", eve.accessToken);
        expect(other instanceof Response ? other.status : 101).toBe(101);
        if (!(other instanceof Response)) other.ws.close(1000, "done");
      }),
    120_000,
  );
});

describe("per-user budget on every authenticated request", () => {
  // API_USER_LIMIT in wrangler.toml: every request with a token counts, whatever else limits it.
  const API_LIMIT = 600;

  it(
    "answers the 601st request in a minute with 429 on every route, downloads included, for that user only",
    () =>
      inOneRateWindow(async () => {
        const [fay, gus] = await Promise.all([signUp("rl"), signUp("rl")]);
        // Cheap reads with no budget of their own, in parallel batches (the limit counts them all).
        for (let i = 0; i < API_LIMIT; i += 50) {
          const statuses = await Promise.all(
            Array.from({ length: 50 }, async () => (await api("/api/me", { token: fay.accessToken })).status),
          );
          expect(
            statuses.every((s) => s === 200),
            `batch at ${i}`,
          ).toBe(true);
        }
        const refused: Array<[string, RequestInit["method"]]> = [
          ["/api/me", "GET"],
          ["/api/conversations", "GET"],
          ["/api/conversations/c_none/members", "GET"],
          ["/api/conversations/c_none/settings", "PATCH"],
          ["/api/files/f_none", "GET"],
        ];
        for (const [path, method] of refused) {
          const res = await api(path, { method, token: fay.accessToken, body: method === "PATCH" ? {} : undefined });
          expect(res.status, `${method} ${path}`).toBe(429);
          expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
        }
        expect((await api("/api/me", { token: gus.accessToken })).status).toBe(200);
      }),
    120_000,
  );
});
