// Helpers for the reading-flow and layout tests (issue 15): a person on a
// phone or a desktop, long histories, and where things are on screen.
import { randomUUID } from "node:crypto";
import type { Browser, Locator, Page } from "playwright-core";
import { expect } from "vitest";
import type { ConversationEvent, ConversationSummary } from "../../worker/protocol";
import { type ApiPerson, apiCall, BASE_URL, messages, signInOn } from "./helpers";

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;
export type Screen = "desktop" | "phone";

/** A signed-in page; the phone one is a touch device (no hover), as a real phone is. */
export async function openAs(browser: Browser, who: ApiPerson, screen: Screen, locale = "en-US"): Promise<Page> {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    locale,
    viewport: screen === "phone" ? PHONE : DESKTOP,
    ...(screen === "phone" ? { isMobile: true, hasTouch: true } : {}),
  });
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`page error: ${err.message}`));
  await signInOn(page, who.username, who.password);
  return page;
}

/** Opens a chat and waits for its socket to be live (in any language). */
export async function openChat(page: Page, conversationId: string): Promise<void> {
  await page.goto(`/c/${conversationId}`);
  await page.locator(".chat-header .connection.live").waitFor();
}

/** Sends a text over REST, waiting out the per-user rate limit (the clientId makes a retry safe). */
export async function post(who: ApiPerson, conversationId: string, text: string): Promise<number> {
  const clientId = randomUUID();
  for (;;) {
    try {
      const res = await apiCall<{ event: { seq: number } }>(`/api/conversations/${conversationId}/messages`, {
        token: who.auth.accessToken,
        body: { clientId, kind: "text", text },
      });
      return res.event.seq;
    } catch (err) {
      if (!String(err).includes(" 429 ")) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

/** `n` long messages ("backlog 1 …" to "backlog n …"): more than a screen of history. */
export async function backlog(who: ApiPerson, conversationId: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i += 1) {
    await post(who, conversationId, `backlog ${i} ${"words to fill the screen ".repeat(6)}`);
  }
}

export async function summaryOf(who: ApiPerson, conversationId: string): Promise<ConversationSummary> {
  const res = await apiCall<{ conversations: ConversationSummary[] }>("/api/conversations", {
    token: who.auth.accessToken,
  });
  const found = res.conversations.find((c) => c.id === conversationId);
  if (!found) throw new Error("no such conversation in the list");
  return found;
}

export async function eventsOf(who: ApiPerson, conversationId: string): Promise<ConversationEvent[]> {
  const res = await apiCall<{ events: ConversationEvent[] }>(
    `/api/conversations/${conversationId}/events?after=0&limit=500`,
    { token: who.auth.accessToken },
  );
  return res.events;
}

/** The bubble whose text starts with `start`. */
export const bubbleStarting = (page: Page, start: string): Locator =>
  messages(page)
    .locator(".message")
    .filter({ has: page.locator("p.text").filter({ hasText: new RegExp(`^${start}`) }) });

/**
 * Scrolls the list to its top with the mouse wheel, as a reader does: the
 * list's own scrolling (virtua settling a scroll to the newest message) gives
 * way to user input, where a scrollTop set by script could be undone by it.
 */
export async function scrollListToTop(page: Page): Promise<void> {
  const list = page.locator(".messages");
  const box = await list.boundingBox();
  if (!box) throw new Error("no message list");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await expect
    .poll(async () => {
      await page.mouse.wheel(0, -5_000);
      return list.evaluate((el) => el.scrollTop);
    })
    .toBe(0);
}

/** Whether the message whose text starts with `start` is rendered and wholly inside the list's box. */
export function isOnScreen(page: Page, start: string): Promise<boolean> {
  return page.evaluate((s) => {
    const list = document.querySelector(".messages");
    if (!list) return false;
    const box = list.getBoundingClientRect();
    const texts = [...list.querySelectorAll<HTMLElement>(".message p.text")];
    const el = texts.find((p) => (p.textContent ?? "").startsWith(s));
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  }, start);
}

/** Every button of `panel` can be hit where it is drawn: inside the window and not covered or clipped. */
export function allButtonsHittable(panel: Locator): Promise<boolean> {
  return panel.evaluate((el) =>
    [...el.querySelectorAll("button")].every((b) => {
      const r = b.getBoundingClientRect();
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      if (r.width === 0 || x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false;
      const hit = document.elementFromPoint(x, y);
      return hit !== null && (hit === b || b.contains(hit));
    }),
  );
}

/** Touch gestures through DevTools: a press held until `until` resolves, and a horizontal swipe. */
export async function longPress(page: Page, target: Locator, until: () => Promise<unknown>): Promise<void> {
  const box = await target.boundingBox();
  if (!box) throw new Error("nothing to press");
  const cdp = await page.context().newCDPSession(page);
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
  await until();
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
}

export async function swipe(page: Page, target: Locator, dx: number): Promise<void> {
  const box = await target.boundingBox();
  if (!box) throw new Error("nothing to swipe");
  const cdp = await page.context().newCDPSession(page);
  const y = box.y + box.height / 2;
  const x = box.x + box.width / 2;
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
  for (let step = 1; step <= 6; step += 1) {
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: x + (dx * step) / 6, y }] });
  }
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
}

/** Pretends the tab is hidden (or shown again), as switching tabs does. */
export async function setPageVisible(page: Page, visible: boolean): Promise<void> {
  await page.evaluate((v) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (v ? "visible" : "hidden") });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => !v });
    document.dispatchEvent(new Event("visibilitychange"));
  }, visible);
}
