// axe-core on every main screen, in both languages, light and dark: no
// serious or critical findings.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, BASE_URL, befriendByApi, launchBrowser, registerByApi, sendByApi, signInOn } from "./helpers";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function check(page: Page, screen: string): Promise<void> {
  expect(await axeViolations(page), screen).toEqual([]);
}

describe("accessibility", () => {
  for (const [locale, words] of [
    ["en-US", { chats: "Chats", contacts: "Contacts", settings: "Settings", lang: "en" }],
    ["zh-CN", { chats: "聊天", contacts: "联系人", settings: "设置", lang: "zh-CN" }],
  ] as const) {
    for (const colorScheme of ["light", "dark"] as const) {
      it(`has no serious or critical axe findings on every screen (${locale}, ${colorScheme})`, async () => {
        const kim = await registerByApi("kim", "Kim 金");
        const lee = await registerByApi("lee", "Lee 李");
        const conversation = await befriendByApi(kim, lee);
        await sendByApi(lee, conversation.id, "Hello 你好 😀");
        await sendByApi(kim, conversation.id, "Hi there 👋");

        const context = await browser.newContext({ baseURL: BASE_URL, locale, colorScheme });
        const page = await context.newPage();
        await page.goto("/");
        await page.locator('input[name="username"]').waitFor();
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(words.lang);
        await check(page, "login");

        await signInOn(page, kim.username, kim.password);
        const nav = page.getByRole("navigation");
        await page.getByRole("list").getByText("Lee 李").waitFor();
        await check(page, "conversation list");

        await page.goto(`/c/${conversation.id}`);
        await page.locator(".message-ol").getByText("Hi there 👋", { exact: true }).waitFor();
        await check(page, "chat");

        await nav.getByRole("link", { name: words.contacts }).click();
        await page.getByRole("heading", { name: words.contacts, level: 1 }).waitFor();
        await page.getByText(`@${lee.username}`).waitFor();
        await check(page, "contacts");

        await nav.getByRole("link", { name: words.settings }).click();
        await page.getByRole("heading", { name: words.settings, level: 1 }).waitFor();
        await check(page, "settings");
        await context.close();
      });
    }
  }
});
