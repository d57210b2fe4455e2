// Shared browser-test helpers: launching Debian's chromium through
// playwright-core and driving the app the way a person would.
import { randomUUID } from "node:crypto";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";

export const BASE_URL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:8791";

/** Debian's package; never a browser downloaded by playwright. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
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

export async function signIn(browser: Browser, username: string, password: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: BASE_URL });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
  return page;
}
