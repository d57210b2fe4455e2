// CORS and response headers: the browser-facing defences of the REST API.
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, BASE, befriend, openDm, signUp } from "./helpers";

const ALLOWED = "http://127.0.0.1:8787";
const FOREIGN = "https://evil.example";

function preflight(origin: string): Promise<Response> {
  return exports.default.fetch(`${BASE}/api/me`, {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": "GET",
      "Access-Control-Request-Headers": "authorization",
    },
  });
}

describe("CORS", () => {
  it("answers a preflight from an allowlisted Origin with that Origin, never a wildcard", async () => {
    const res = await preflight(ALLOWED);
    expect(res.status).toBeLessThan(300);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ALLOWED);
    expect(res.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("authorization");
  });

  it("gives a foreign Origin no CORS grant on preflights or real requests", async () => {
    const pre = await preflight(FOREIGN);
    expect(pre.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const u = await signUp("cors");
    const res = await api("/api/me", { token: u.accessToken, headers: { Origin: FOREIGN } });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
  });
});

describe("API response headers", () => {
  it("every answer, success or error, is nosniff, no-referrer and not cached; errors are JSON without a stack", async () => {
    const u = await signUp("hdr");
    const answers = [
      await api("/api/me", { token: u.accessToken }),
      await api("/api/me"),
      await api("/api/no/such/path"),
      await api("/api/auth/login", { body: "{not json" }),
    ];
    for (const res of answers) {
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
      const text = await res.text();
      expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
    }
  });

  it("stores markup in message text verbatim and serves it only as JSON data", async () => {
    const [a, b] = [await signUp("xss"), await signUp("xss")];
    await befriend(a, b);
    const dm = await openDm(a, b);
    const text = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;
    const posted = await api(`/api/conversations/${dm.id}/messages`, {
      token: a.accessToken,
      body: { clientId: "x1", kind: "text", text },
    });
    expect(posted.status).toBe(201);
    const res = await api(`/api/conversations/${dm.id}/messages?limit=1`, { token: b.accessToken });
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const { messages } = (await res.json()) as { messages: { text: string }[] };
    expect(messages[0]?.text).toBe(text);
  });
});
