import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { LinkPreview } from "../protocol";
import { api, signUp, type TestUser } from "./helpers";
import { PAGES_ORIGIN } from "./page-service";
import { pushesTo } from "./push-fixtures";
import { inOneRateWindow } from "./rate-window";

let alice: TestUser;
beforeAll(async () => {
  alice = await signUp("pv");
});

/** A page of `kind` under a path no other test uses, so the preview cache starts cold. */
const pageUrl = (kind: string, query = "") => `${PAGES_ORIGIN}/${kind}/${crypto.randomUUID()}${query}`;

async function preview(url: string, user = alice): Promise<{ status: number; body: unknown }> {
  const res = await api(`/api/previews?url=${encodeURIComponent(url)}`, { token: user.accessToken });
  return { status: res.status, body: await res.json() };
}

async function expectError(url: string, status: number, code: string, reason?: string): Promise<void> {
  const { status: got, body } = await preview(url);
  expect(got, JSON.stringify(body)).toBe(status);
  expect(body).toMatchObject({ error: { code } });
  if (reason) expect(body).toMatchObject({ error: { details: { reason } } });
}

describe("GET /api/previews: what a page says", () => {
  it("reads og:title, og:description, og:image (absolute) and og:site_name, entities decoded", async () => {
    const url = pageUrl("og");
    const { status, body } = await preview(`${url}#section`);
    expect(status).toBe(200);
    expect(body).toEqual({
      url,
      title: "Tom & Jerry's <b>show</b>",
      description: "A cat, a mouse, and a chase.",
      image: `${PAGES_ORIGIN}/img/card.png?a=1&b=2`,
      siteName: "Cartoons",
    } satisfies LinkPreview);
  });

  it("falls back to <title> and the description meta", async () => {
    const url = pageUrl("title");
    expect(await preview(url)).toEqual({
      status: 200,
      body: { url, title: 'Only a "title"', description: "Plain description" },
    });
  });

  it("drops controls and bidi overrides, caps lengths, and refuses a non-https image", async () => {
    const { status, body } = await preview(pageUrl("unsafe"));
    expect(status).toBe(200);
    const card = body as LinkPreview;
    expect(card.title).toBe("evilgnp.exe title");
    expect(card.siteName).toBe("Sitename");
    expect(Array.from(card.description ?? "").length).toBe(400);
    expect(card.image).toBeUndefined();
  });

  it("follows a redirect to a public page", async () => {
    const { status, body } = await preview(pageUrl("redirect"));
    expect(status).toBe(200);
    expect(body).toMatchObject({ title: "Tom & Jerry's <b>show</b>" });
  });

  it("answers 404 not_found for pages without preview data, non-HTML, errors and redirect loops", async () => {
    await expectError(pageUrl("empty"), 404, "not_found", "empty");
    await expectError(pageUrl("json"), 404, "not_found", "not_html");
    await expectError(pageUrl("missing"), 404, "not_found", "status");
    await expectError(pageUrl("loop"), 404, "not_found", "redirects");
    await expectError("https://unknown-host.example.com/", 404, "not_found", "status");
  });
});

describe("GET /api/previews: defences", () => {
  it("refuses private, loopback and IP-literal hosts before fetching (400 invalid_request)", async () => {
    for (const url of [
      "https://127.0.0.1/",
      "https://10.0.0.8/",
      "https://169.254.169.254/latest/meta-data",
      "https://0x7f000001/",
      "https://[::1]/",
      "https://localhost/",
      "https://printer.local/",
      "https://metadata.google.internal/",
      "https://intranet/",
      "http://pages.example.test/og/1",
      "http://169.254.169.254/",
      "ftp://pages.example.test/",
      "https://user:pw@pages.example.test/og/1",
      "not a url",
      `https://pages.example.test/${"a".repeat(2100)}`,
    ]) {
      const { status, body } = await preview(url);
      expect(status, url).toBe(400);
      expect(body, url).toMatchObject({ error: { code: "invalid_request", details: [{ field: "url" }] } });
    }
    expect((await api("/api/previews", { token: alice.accessToken })).status).toBe(400);
  });

  it("refuses a redirect to a private host, checked on every hop", async () => {
    for (const to of ["https://127.0.0.1/", "https://metadata.google.internal/", "http://169.254.169.254/x"]) {
      await expectError(pageUrl("redirect-private", `?to=${encodeURIComponent(to)}`), 400, "invalid_request");
    }
    expect(await pushesTo("https://127.0.0.1/")).toEqual([]);
  });

  it("answers 413 too_large for a head past the byte cap, and reads a big page only to its head", async () => {
    await expectError(pageUrl("huge"), 413, "too_large");
    expect(await preview(pageUrl("big-body"))).toMatchObject({ status: 200, body: { title: "Big body" } });
  });

  it("gives up on a page that does not answer in time (404, reason timeout)", async () => {
    await expectError(pageUrl("slow"), 404, "not_found", "timeout");
  });

  it("needs a token", async () => {
    const res = await api(`/api/previews?url=${encodeURIComponent(pageUrl("og"))}`);
    expect(res.status).toBe(401);
  });

  it("allows plain http only to the loopback, and only because the tests enable it (deployed-config.node.test.ts)", async () => {
    expect(env.PREVIEW_ALLOW_INSECURE).toBe("true");
    // Accepted, then fetched: the tests' outbound service has no loopback page (502).
    await expectError("http://127.0.0.1:9/x", 404, "not_found", "status");
    await expectError("http://pages.example.test/og/1", 400, "invalid_request");
  });
});

describe("GET /api/previews: cache and rate limit", () => {
  it("fetches a page once: the second ask (by anyone) is answered from the cache", async () => {
    const bob = await signUp("pv");
    for (const kind of ["og", "json"]) {
      const url = pageUrl(kind);
      const first = await preview(url);
      const second = await preview(url, bob);
      expect(second).toEqual(first);
      expect(await pushesTo(url)).toHaveLength(1);
    }
  });

  it("answers the 61st preview in a minute with 429 rate_limited", () =>
    inOneRateWindow(async () => {
      const carol = await signUp("pv");
      const url = pageUrl("og");
      for (let i = 0; i < 60; i++) expect((await preview(url, carol)).status, `attempt ${i + 1}`).toBe(200);
      const over = await api(`/api/previews?url=${encodeURIComponent(url)}`, { token: carol.accessToken });
      expect(over.status).toBe(429);
      expect(Number(over.headers.get("Retry-After"))).toBeGreaterThan(0);
    }));
});
