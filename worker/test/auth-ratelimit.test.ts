import { describe, expect, it } from "vitest";
import { api, randomIp, signUp, uniqueName } from "./helpers";

async function expect429(res: Response): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(429);
  expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe("rate_limited");
  expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
}

describe("rate limits", () => {
  it("allows 10 logins per minute for one username, from any IPs; the 11th is 429 with Retry-After", async () => {
    const u = await signUp("rl");
    for (let i = 0; i < 10; i++) {
      const res = await api("/api/auth/login", { body: { username: u.user.username, password: "wrong-password" } });
      expect(res.status).toBe(401);
    }
    // Even the right password is refused now: the limit counts attempts, not failures.
    await expect429(await api("/api/auth/login", { body: { username: u.user.username, password: u.password } }));
    // Another username is not affected.
    const other = await api("/api/auth/login", { body: { username: uniqueName(), password: "wrong-password" } });
    expect(other.status).toBe(401);
  });

  it("allows 60 login requests per minute from one IP; the 61st is 429", async () => {
    const ip = randomIp();
    for (let i = 0; i < 60; i++) {
      const res = await api("/api/auth/login", { body: {}, headers: { "CF-Connecting-IP": ip } });
      expect(res.status).toBe(400);
    }
    await expect429(await api("/api/auth/login", { body: {}, headers: { "CF-Connecting-IP": ip } }));
    expect((await api("/api/auth/login", { body: {} })).status).toBe(400);
  });

  it("allows 60 registrations per minute from one IP; the 61st is 429", async () => {
    const ip = randomIp();
    for (let i = 0; i < 60; i++) {
      const res = await api("/api/auth/register", { body: {}, headers: { "CF-Connecting-IP": ip } });
      expect(res.status).toBe(400);
    }
    await expect429(await api("/api/auth/register", { body: {}, headers: { "CF-Connecting-IP": ip } }));
    expect((await api("/api/auth/register", { body: {} })).status).toBe(400);
  });
});
