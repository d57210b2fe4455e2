import { describe, expect, it } from "vitest";
import type { Me } from "../protocol";
import { api, apiOk, signUp } from "./helpers";

describe("/api/me", () => {
  it("GET answers the caller's profile", async () => {
    const before = Date.now();
    const u = await signUp("me");
    const me = await apiOk<Me>("/api/me", { token: u.accessToken });
    expect(me).toEqual({
      id: u.user.id,
      username: u.user.username,
      displayName: u.user.displayName,
      createdAt: expect.any(Number),
      totpEnabled: false,
    });
    expect(me.createdAt).toBeGreaterThanOrEqual(before - 1000);
  });

  it("PATCH changes the display name and answers the new me", async () => {
    const u = await signUp("me");
    const me = await apiOk<Me>("/api/me", {
      method: "PATCH",
      token: u.accessToken,
      body: { displayName: " Grace H " },
    });
    expect(me.displayName).toBe("Grace H");
    expect(me.username).toBe(u.user.username);
    expect((await apiOk<Me>("/api/me", { token: u.accessToken })).displayName).toBe("Grace H");
  });

  it("PATCH refuses bad display names and extra fields with 400 naming the field", async () => {
    const u = await signUp("me");
    const cases: Array<[unknown, string]> = [
      [{}, "displayName"],
      [{ displayName: "" }, "displayName"],
      [{ displayName: "x".repeat(65) }, "displayName"],
      [{ displayName: 7 }, "displayName"],
      [{ displayName: "bell\u0007" }, "displayName"],
      [{ displayName: "ok", username: "root" }, "username"],
    ];
    for (const [body, field] of cases) {
      const res = await api("/api/me", { method: "PATCH", token: u.accessToken, body });
      const text = await res.text();
      expect(res.status, text).toBe(400);
      const { error } = JSON.parse(text) as { error: { code: string; details: unknown } };
      expect(error.code).toBe("invalid_request");
      expect(JSON.stringify(error.details)).toContain(field);
    }
    const malformed = await api("/api/me", { method: "PATCH", token: u.accessToken, body: "{" });
    expect(malformed.status).toBe(400);
  });

  it("needs authentication", async () => {
    expect((await api("/api/me")).status).toBe(401);
    expect((await api("/api/me", { method: "PATCH", body: { displayName: "x" } })).status).toBe(401);
  });
});
