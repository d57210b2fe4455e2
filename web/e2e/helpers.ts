// Shared browser-test helpers: launching Debian's chromium through
// playwright-core and driving the app the way a person would.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import type { AuthResult, Conversation, ConversationEvent } from "../../worker/protocol";

const require = createRequire(import.meta.url);

export const BASE_URL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:8791";

/** Debian's package; never a browser downloaded by playwright. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * One browser for the calling test file: launched before its tests, closed
 * after them. The getter is for use inside a test (or hook), once it is up.
 */
export function useBrowser(extraArgs: string[] = []): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser(extraArgs);
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw new Error("the browser is not launched yet");
    return browser;
  };
}

/** Chromium's built-in fake microphone and camera, granted without a prompt. */
export const FAKE_MEDIA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"];

/**
 * A browser with a profile on disk: Chromium calls every incognito context
 * (what `newContext` makes) not installable, so the installability check needs this.
 */
export function launchPersistent(userDataDir: string, opts: { locale?: string } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    baseURL: BASE_URL,
    ...opts,
  });
}

export interface Person {
  context: BrowserContext;
  page: Page;
  username: string;
  displayName: string;
  password: string;
}

let counter = 0;
export function uniqueUsername(prefix: string): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}${counter}`.slice(0, 32);
}

/** A fresh browser context (own storage) whose person registers through the UI. */
export async function registerPerson(browser: Browser, prefix: string, displayName: string): Promise<Person> {
  const context = await browser.newContext({ baseURL: BASE_URL });
  const page = await context.newPage();
  const username = uniqueUsername(prefix);
  const password = `pw-${randomUUID()}`;
  await page.goto("/");
  await page.getByRole("button", { name: "Create an account" }).click();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Display name (optional)").fill(displayName);
  await page.getByRole("button", { name: "Create account", exact: true }).click();
  await page.getByRole("navigation", { name: "Main" }).getByText(displayName).waitFor();
  return { context, page, username, displayName, password };
}

export async function gotoContacts(page: Page): Promise<void> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Contacts" }).click();
  await page.getByRole("heading", { name: "Contacts", level: 1 }).waitFor();
}

/** The chat's message list. */
export const messages = (page: Page) => page.getByRole("list", { name: "Messages" });

export async function sendMessage(page: Page, text: string): Promise<void> {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
  await expect.poll(() => box.inputValue()).toBe("");
}

/** Waits until the chat header says the socket is live. */
export async function expectLive(page: Page): Promise<void> {
  await page.getByRole("status", { name: "Connection: Live" }).waitFor();
}

/** Waits until the message list shows `text` (playwright auto-waits, up to its timeout). */
export async function expectMessage(page: Page, text: string): Promise<void> {
  await messages(page).getByText(text, { exact: true }).waitFor();
}

/** Calls the API from Node (no browser), for setting up data the test is not about. */
export async function apiCall<T>(
  path: string,
  opts: { token?: string; body?: unknown; method?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${BASE_URL}${path}`, {
    method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${opts.method ?? "POST"} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export async function signIn(
  browser: Browser,
  username: string,
  password: string,
  opts: { locale?: string; viewport?: { width: number; height: number }; hasTouch?: boolean; isMobile?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({ baseURL: BASE_URL, ...opts });
  const page = await context.newPage();
  await signInOn(page, username, password);
  return page;
}

/** Signs in on an already open page (any language: the form's fields are found by name). */
export async function signInOn(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/");
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.locator("nav").first().waitFor();
}

export interface ApiPerson {
  username: string;
  password: string;
  auth: AuthResult;
}

export async function registerByApi(prefix: string, displayName?: string): Promise<ApiPerson> {
  const username = uniqueUsername(prefix);
  const password = `pw-${randomUUID()}`;
  const auth = await apiCall<AuthResult>("/api/auth/register", {
    body: { username, password, ...(displayName ? { displayName } : {}) },
  });
  return { username, password, auth };
}

/** Makes two people friends and opens their DM, all over the API. */
export async function befriendByApi(a: ApiPerson, b: ApiPerson): Promise<Conversation> {
  const sent = await apiCall<{ request: { id: string } }>("/api/friends/requests", {
    token: a.auth.accessToken,
    body: { userId: b.auth.user.id },
  });
  await apiCall(`/api/friends/requests/${sent.request.id}/accept`, { method: "POST", token: b.auth.accessToken });
  const { conversation } = await apiCall<{ conversation: Conversation }>("/api/conversations", {
    token: a.auth.accessToken,
    body: { kind: "dm", userId: b.auth.user.id },
  });
  return conversation;
}

export async function sendByApi(from: ApiPerson, conversationId: string, text: string): Promise<void> {
  await apiCall(`/api/conversations/${conversationId}/messages`, {
    token: from.auth.accessToken,
    body: { clientId: randomUUID(), kind: "text", text },
  });
}

/** The raw log as the server has it. */
export async function eventsOf(who: ApiPerson, conversationId: string): Promise<ConversationEvent[]> {
  const res = await apiCall<{ events: ConversationEvent[] }>(
    `/api/conversations/${conversationId}/events?after=0&limit=500`,
    { token: who.auth.accessToken },
  );
  return res.events;
}

/** Records CSP violations (and console errors that mention the CSP) from the first script on. */
export async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const fromConsole: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) fromConsole.push(m.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return async () => {
    const inPage = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    return [...inPage, ...fromConsole];
  };
}

/** Waits until a service worker controls the page (the app shell is then precached). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise<void>((resolve) =>
      navigator.serviceWorker.addEventListener("controllerchange", () => resolve(), { once: true }),
    );
  });
}

/** How many messages of a conversation the app has cached in IndexedDB. */
export function cachedMessageCount(page: Page, conversationId: string): Promise<number> {
  return page.evaluate(
    (id) =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open("imsys");
        open.onerror = () => resolve(0);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("messages")) return resolve(0);
          const get = db.transaction("messages").objectStore("messages").get(id);
          get.onsuccess = () => {
            const value: unknown = get.result;
            const items = typeof value === "object" && value !== null && "items" in value ? value.items : [];
            resolve(Array.isArray(items) ? items.length : 0);
            db.close();
          };
          get.onerror = () => resolve(0);
        };
      }),
    conversationId,
  );
}

let axeSource: string | null = null;

/** axe-core's serious and critical findings on the page as it is now. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Not addScriptTag: that adds an inline <script>, which the app's CSP rightly
  // refuses. Evaluating through DevTools is not subject to the page's CSP.
  axeSource ??= await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[]; passes: unknown[] }> } })
      .axe;
    interface AxeViolation {
      id: string;
      impact: string | null;
      nodes: { target: unknown[] }[];
    }
    const result = await axe.run();
    // A page axe could not inspect would "pass" with nothing checked.
    if (result.passes.length === 0) return ["axe checked nothing"];
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
  });
  return found;
}

/** Makes `owner` friends with each of `others` and creates a group of them all, over the API. */
export async function groupByApi(owner: ApiPerson, others: ApiPerson[], title: string): Promise<Conversation> {
  for (const other of others) {
    await befriendByApi(owner, other).catch((err: unknown) => {
      if (!String(err).includes("already friends")) throw err;
    });
  }
  const { conversation } = await apiCall<{ conversation: Conversation }>("/api/conversations", {
    token: owner.auth.accessToken,
    body: { kind: "group", title, memberIds: others.map((o) => o.auth.user.id) },
  });
  return conversation;
}

const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);

/** The rendered message (its bubble) whose own text is `text` (not a quote of it). */
export const messageWith = (page: Page, text: string) =>
  messages(page)
    .locator(".message")
    .filter({ has: page.locator("p.text").filter({ hasText: exactly(text) }) });

/** Opens the actions of the message showing `text` and clicks the action named `name`. */
export async function messageAction(page: Page, text: string, name: string | RegExp): Promise<void> {
  const bubble = messageWith(page, text);
  await bubble.getByRole("button", { name: /^Actions for the message from/ }).click();
  // One floating menu for the whole list, outside the bubble.
  const menu = page.getByRole("group", { name: "Message actions" });
  await menu.getByRole("button", { name, exact: typeof name === "string" }).click();
}

/** Uploads bytes in one PUT and sends them as a message of `kind`, all over the API. */
export async function sendFileByApi(
  from: ApiPerson,
  conversationId: string,
  file: { name: string; contentType: string; bytes: Uint8Array; kind: "image" | "file" | "audio" | "video" },
): Promise<string> {
  const token = from.auth.accessToken;
  const created = await apiCall<{ file: { id: string } }>("/api/files", {
    token,
    body: { conversationId, name: file.name, size: file.bytes.byteLength, contentType: file.contentType },
  });
  const id = created.file.id;
  const put = await fetch(`${BASE_URL}/api/files/${id}/content`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/octet-stream" },
    body: new Blob([new Uint8Array(file.bytes)]),
  });
  if (!put.ok) throw new Error(`PUT content: ${put.status} ${await put.text()}`);
  await apiCall(`/api/conversations/${conversationId}/messages`, {
    token,
    body: { clientId: randomUUID(), kind: file.kind, fileId: id },
  });
  return id;
}
