import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import type { AuthResult } from "../protocol";
import { api, randomIp, signUp, uniqueName } from "./helpers";
import { inOneRateWindow } from "./rate-window";

const login = (body: Record<string, string>, ip = randomIp()) =>
  api("/api/auth/login", { body, headers: { "CF-Connecting-IP": ip } });

async function expect429(res: Response): Promise<void> {
  const text = await res.text();
  expect(res.status, text).toBe(429);
  expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe("rate_limited");
  expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
}

describe("rate limits", () => {
  it("does not let strangers' failed logins from other IPs lock the owner out", () =>
    inOneRateWindow(async () => {
      const u = await signUp("rl");
      const name = u.user.username;
      // Any case of the username, each from its own IP: 15 wrong passwords.
      for (let i = 0; i < 15; i++) {
        const username = i % 2 ? name.toUpperCase() : name;
        expect((await login({ username, password: "wrong-password" }, randomIp())).status).toBe(401);
      }
      // The owner, on a new device and IP, signs in.
      expect((await login({ username: name, password: u.password }, randomIp())).status).toBe(200);
    }));

  it("allows 10 attempts per minute per username and IP, whatever the case; the 11th is 429", () =>
    inOneRateWindow(async () => {
      const u = await signUp("rl");
      const ip = randomIp();
      for (let i = 0; i < 10; i++) {
        const username = i % 2 ? u.user.username.toUpperCase() : u.user.username;
        expect((await login({ username, password: "wrong-password" }, ip)).status).toBe(401);
      }
      // Even the right password is refused from that IP now: the limit counts attempts, not failures.
      await expect429(await login({ username: u.user.username, password: u.password }, ip));
      // Another IP, and another username from the same IP, are not affected.
      expect((await login({ username: u.user.username, password: u.password }, randomIp())).status).toBe(200);
      expect((await login({ username: uniqueName(), password: "wrong-password" }, ip)).status).toBe(401);
    }));

  it("caps a username at 100 attempts per minute across IPs, but a known device still gets through", () =>
    inOneRateWindow(async () => {
      const u = await signUp("rl");
      const stranger = await signUp("rl");
      const username = u.user.username;
      // A crowd of IPs. An empty password is refused (400) without a PBKDF2 run, but counts all the same.
      for (let i = 0; i < 100; i++) {
        const res = await login({ username: i % 2 ? username.toUpperCase() : username, password: "" }, randomIp());
        expect(res.status, `attempt ${i + 1}`).toBe(400);
      }
      await expect429(await login({ username, password: u.password }, randomIp()));
      // Another user's device token, a forged one and an access token do not pass for this user's device.
      for (const deviceToken of [stranger.deviceToken, `${u.deviceToken}x`, u.accessToken]) {
        await expect429(await login({ username, password: u.password, deviceToken }, randomIp()));
      }
      // The owner's own device: through, in any case of the username.
      const res = await login({ username: username.toUpperCase(), password: u.password, deviceToken: u.deviceToken });
      expect(res.status).toBe(200);
      // The same device keeps its id; a new device token is never a credential.
      const result = (await res.json()) as AuthResult;
      expect(decodeJwt(result.deviceToken).did).toBe(decodeJwt(u.deviceToken).did);
      expect((await api("/api/me", { token: result.deviceToken })).status).toBe(401);
    }));

  it("gives each known device its own budget of 10 attempts per minute", () =>
    inOneRateWindow(async () => {
      const u = await signUp("rl");
      const { deviceToken } = u;
      for (let i = 0; i < 10; i++) {
        expect((await login({ username: u.user.username, password: "", deviceToken }, randomIp())).status).toBe(400);
      }
      await expect429(await login({ username: u.user.username, password: u.password, deviceToken }));
      // Strangers' budgets and the owner's other devices are separate.
      expect((await login({ username: u.user.username, password: u.password })).status).toBe(200);
    }));

  it("allows 60 login requests per minute from one IP; the 61st is 429", () =>
    inOneRateWindow(async () => {
      const ip = randomIp();
      for (let i = 0; i < 60; i++) {
        const res = await api("/api/auth/login", { body: {}, headers: { "CF-Connecting-IP": ip } });
        expect(res.status).toBe(400);
      }
      await expect429(await api("/api/auth/login", { body: {}, headers: { "CF-Connecting-IP": ip } }));
      expect((await api("/api/auth/login", { body: {} })).status).toBe(400);
    }));

  it("allows 60 registrations per minute from one IP; the 61st is 429", () =>
    inOneRateWindow(async () => {
      const ip = randomIp();
      for (let i = 0; i < 60; i++) {
        const res = await api("/api/auth/register", { body: {}, headers: { "CF-Connecting-IP": ip } });
        expect(res.status).toBe(400);
      }
      await expect429(await api("/api/auth/register", { body: {}, headers: { "CF-Connecting-IP": ip } }));
      expect((await api("/api/auth/register", { body: {} })).status).toBe(400);
    }));
});
