import * as v from "valibot";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./client";
import { ApiFailure } from "./failure";
import { getAccessToken, getRefreshToken, onSessionEnd, storeTokens } from "./session";

const Ok = v.object({ ok: v.literal(true) });
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const unauthorized = () => json(401, { error: { code: "unauthorized", message: "expired" } });

class MemoryStorage {
  #items = new Map<string, string>();
  getItem(k: string) {
    return this.#items.get(k) ?? null;
  }
  setItem(k: string, value: string) {
    this.#items.set(k, value);
  }
  removeItem(k: string) {
    this.#items.delete(k);
  }
}

/** A server that accepts only the access token "fresh" and hands it out on refresh. */
function fakeServer(opts: { refreshStatus?: number } = {}) {
  const calls = { refresh: [] as string[], api: [] as string[] };
  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (url === "/api/auth/refresh") {
      const body: unknown = JSON.parse(String(init?.body));
      calls.refresh.push(v.parse(v.object({ refreshToken: v.string() }), body).refreshToken);
      await new Promise((r) => setTimeout(r, 5));
      if (opts.refreshStatus) return json(opts.refreshStatus, { error: { code: "unauthorized", message: "revoked" } });
      return json(200, { accessToken: "fresh", refreshToken: `r${calls.refresh.length + 1}`, expiresIn: 900 });
    }
    const auth = new Headers(init?.headers).get("Authorization") ?? "";
    calls.api.push(auth);
    if (url === "/api/wrong-password") return json(401, { error: { code: "invalid_credentials", message: "no" } });
    return auth === "Bearer fresh" ? json(200, { ok: true }) : unauthorized();
  });
  return { fetch, calls };
}

beforeEach(() => {
  vi.stubGlobal("localStorage", new MemoryStorage());
  storeTokens({ accessToken: "stale", refreshToken: "r1", expiresIn: 900 });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("api()", () => {
  it("shares one refresh between concurrent 401s and retries each with the new token", async () => {
    const server = fakeServer();
    vi.stubGlobal("fetch", server.fetch);
    const results = await Promise.all([api("/api/a", Ok), api("/api/b", Ok), api("/api/c", Ok)]);
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    // Refresh tokens rotate and a reused one revokes the session: exactly one refresh.
    expect(server.calls.refresh).toEqual(["r1"]);
    expect(getAccessToken()).toBe("fresh");
    expect(getRefreshToken()).toBe("r2");
    expect(server.calls.api.filter((a) => a === "Bearer fresh")).toHaveLength(3);
  });

  it("uses the rotated refresh token for the next refresh", async () => {
    const server = fakeServer();
    vi.stubGlobal("fetch", server.fetch);
    await api("/api/a", Ok);
    storeTokens({ accessToken: "stale", refreshToken: getRefreshToken() ?? "", expiresIn: 900 });
    await api("/api/b", Ok);
    expect(server.calls.refresh).toEqual(["r1", "r2"]);
  });

  it("ends the session once when the refresh is refused", async () => {
    const server = fakeServer({ refreshStatus: 401 });
    vi.stubGlobal("fetch", server.fetch);
    const ended = vi.fn();
    const off = onSessionEnd(ended);
    const outcomes = await Promise.allSettled([api("/api/a", Ok), api("/api/b", Ok)]);
    off();
    for (const o of outcomes) {
      expect(o.status).toBe("rejected");
      if (o.status === "rejected") expect(o.reason).toBeInstanceOf(ApiFailure);
    }
    expect(server.calls.refresh).toHaveLength(1);
    expect(ended).toHaveBeenCalledTimes(1);
    expect(getRefreshToken()).toBeNull();
    expect(getAccessToken()).toBeNull();
  });

  it("does not refresh for a 401 that is not about the token", async () => {
    const server = fakeServer();
    vi.stubGlobal("fetch", server.fetch);
    await expect(api("/api/wrong-password", Ok)).rejects.toMatchObject({ code: "invalid_credentials", status: 401 });
    expect(server.calls.refresh).toEqual([]);
  });
});
