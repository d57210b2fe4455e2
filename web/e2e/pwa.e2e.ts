// The PWA: security headers without CSP violations, installability, the
// shell and the data offline, and the outbox delivering exactly once.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BASE_URL,
  befriendByApi,
  cachedMessageCount,
  eventsOf,
  expectLive,
  expectMessage,
  launchPersistent,
  messages,
  registerByApi,
  sendByApi,
  signIn,
  useBrowser,
  waitForServiceWorker,
  watchCsp,
} from "./helpers";

const browser = useBrowser();

describe("the PWA", () => {
  it("sends a CSP without 'unsafe-inline' and the other security headers, on every app route", async () => {
    for (const path of ["/", "/c/some-conversation", "/settings"]) {
      const res = await fetch(`${BASE_URL}${path}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("permissions-policy")).toContain("camera=()");
      // The built page has no inline script or style for the CSP to refuse.
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|style="/);
    }
  });

  it("is installable: a valid manifest and no installability errors from Chromium", async () => {
    const manifest = (await (await fetch(`${BASE_URL}/manifest.webmanifest`)).json()) as {
      display: string;
      start_url: string;
      icons: { sizes: string; purpose?: string }[];
    };
    expect(manifest.display).toBe("standalone");
    expect(manifest.icons.map((i) => `${i.sizes}/${i.purpose ?? "any"}`)).toEqual(
      expect.arrayContaining(["192x192/any", "512x512/any", "512x512/maskable"]),
    );
    for (const icon of ["/icons/icon-192.png", "/icons/icon-512.png", "/icons/maskable-512.png"]) {
      const res = await fetch(`${BASE_URL}${icon}`);
      expect(res.headers.get("content-type")).toBe("image/png");
    }

    const dir = await mkdtemp(join(tmpdir(), "imsys-install-"));
    const context = await launchPersistent(dir);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto("/");
      await waitForServiceWorker(page);
      const cdp = await context.newCDPSession(page);
      const result = (await cdp.send("Page.getInstallabilityErrors")) as {
        installabilityErrors: { errorId: string }[];
      };
      expect(result.installabilityErrors.map((e) => e.errorId)).toEqual([]);
    } finally {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reloads offline: the service worker serves the shell, IndexedDB the conversations and messages", async () => {
    const fay = await registerByApi("fay", "Fay Offline");
    const gus = await registerByApi("gus", "Gus Online");
    const conversation = await befriendByApi(fay, gus);
    await sendByApi(gus, conversation.id, "cached hello");
    await sendByApi(fay, conversation.id, "cached reply 你好 👋");

    const page = await signIn(browser(), fay.username, fay.password);
    const cspViolations = await watchCsp(page);
    await waitForServiceWorker(page);
    await page.goto(`/c/${conversation.id}`);
    await expectLive(page);
    await expectMessage(page, "cached reply 你好 👋");
    await expect.poll(() => cachedMessageCount(page, conversation.id)).toBe(2);
    // Gus opens the chat and reads the reply: Fay sees it seen.
    const gusPage = await signIn(browser(), gus.username, gus.password);
    await gusPage.goto(`/c/${conversation.id}`);
    await expectLive(gusPage);
    const seen = page.locator(".messages .seen");
    await expect.poll(() => seen.textContent()).toBe("Seen");
    await gusPage.context().close();

    await page.context().setOffline(true);
    await page.reload();
    // The shell came from the service worker and the data from IndexedDB, read markers included.
    await expectMessage(page, "cached hello");
    await expectMessage(page, "cached reply 你好 👋");
    await expect.poll(() => seen.textContent()).toBe("Seen");
    await page
      .getByRole("list", { name: "Conversations" })
      .getByRole("link", { name: /Gus Online/ })
      .waitFor();
    await page.locator('.net[data-state="offline"]').waitFor();

    await page.context().setOffline(false);
    await expectLive(page);
    expect(await cspViolations()).toEqual([]);
    await page.context().close();
  });

  it("queues messages written offline and delivers each exactly once, in order, after a reload", async () => {
    const hal = await registerByApi("hal", "Hal Sender");
    const ivy = await registerByApi("ivy", "Ivy Reader");
    const conversation = await befriendByApi(hal, ivy);
    const texts = ["offline one", "offline two", "offline three"];

    const halPage = await signIn(browser(), hal.username, hal.password);
    const cspViolations = await watchCsp(halPage);
    await waitForServiceWorker(halPage);
    await halPage.goto(`/c/${conversation.id}`);
    await expectLive(halPage);
    const ivyPage = await signIn(browser(), ivy.username, ivy.password);
    await ivyPage.goto(`/c/${conversation.id}`);
    await expectLive(ivyPage);
    const headBefore = (await eventsOf(hal, conversation.id)).length;

    // Offline, and the socket is gone too (the reload below drops it for certain).
    await halPage.context().setOffline(true);
    await halPage.reload();
    await halPage.locator('.net[data-state="offline"]').waitFor();
    const box = halPage.getByRole("textbox", { name: "Message" });
    for (const text of texts) {
      await box.fill(text);
      await box.press("Enter");
      await expectMessage(halPage, text);
    }
    await expect.poll(() => messages(halPage).getByText("Sending…").count()).toBe(3);
    // The outbox survives another reload, still offline.
    await halPage.reload();
    await expect.poll(() => messages(halPage).getByText("Sending…").count()).toBe(3);
    expect((await eventsOf(hal, conversation.id)).length).toBe(headBefore);

    await halPage.context().setOffline(false);
    await expect.poll(() => messages(halPage).getByText("Sending…").count(), { timeout: 30_000 }).toBe(0);

    // The server has each exactly once, in the order written.
    const sent = (await eventsOf(hal, conversation.id)).filter(
      (e) => e.type === "message" && e.senderId === hal.auth.user.id,
    );
    expect(sent.map((e) => (e.type === "message" ? e.text : null))).toEqual(texts);
    expect(new Set(sent.map((e) => e.clientId)).size).toBe(3);
    // And the other side sees them once, in order.
    for (const text of texts) await expectMessage(ivyPage, text);
    await expect.poll(() => messages(ivyPage).locator(".text").allTextContents()).toEqual(texts);
    expect(await cspViolations()).toEqual([]);
    await halPage.context().close();
    await ivyPage.context().close();
  });
});
