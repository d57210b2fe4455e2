// axe-core on every main screen, in both languages, light and dark: no
// serious or critical findings.

import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  axeViolations,
  BASE_URL,
  befriendByApi,
  groupByApi,
  registerByApi,
  sendByApi,
  sendFileByApi,
  signInOn,
  useBrowser,
} from "./helpers";

const browser = useBrowser();

async function check(page: Page, screen: string): Promise<void> {
  expect(await axeViolations(page), screen).toEqual([]);
}

describe("accessibility", () => {
  for (const [locale, words] of [
    ["en-US", { chats: "Chats", contacts: "Contacts", settings: "Settings", turnOn: "Turn on", lang: "en" }],
    ["zh-CN", { chats: "聊天", contacts: "联系人", settings: "设置", turnOn: "开启", lang: "zh-CN" }],
  ] as const) {
    for (const colorScheme of ["light", "dark"] as const) {
      it(`has no serious or critical axe findings on every screen (${locale}, ${colorScheme})`, async () => {
        const kim = await registerByApi("kim", "Kim 金");
        const lee = await registerByApi("lee", "Lee 李");
        const conversation = await befriendByApi(kim, lee);
        await sendByApi(lee, conversation.id, "Hello 你好 😀");
        await sendByApi(kim, conversation.id, "Hi there 👋");

        const context = await browser().newContext({ baseURL: BASE_URL, locale, colorScheme });
        const page = await context.newPage();
        await page.goto("/");
        await page.locator('input[name="username"]').waitFor();
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(words.lang);
        await check(page, "login");

        await signInOn(page, kim.username, kim.password);
        const nav = page.getByRole("navigation");
        await page.getByRole("list").getByText("Lee 李").waitFor();
        await check(page, "conversation list");

        // Issue 17: the search over all chats (people and messages), then the New chat sheet.
        await page.locator("#global-search").fill("Hello");
        await page.locator(".hit-list mark").first().waitFor();
        await check(page, "global search");
        await page.locator("#global-search").fill("");
        await page.locator(".list-head button").click();
        await page.locator("dialog.sheet .sheet-list button").first().waitFor();
        await check(page, "new chat sheet");
        await page.keyboard.press("Escape");
        await page.locator("dialog.sheet").waitFor({ state: "detached" });

        await page.goto(`/c/${conversation.id}`);
        await page.locator(".message-ol").getByText("Hi there 👋", { exact: true }).waitFor();
        await check(page, "chat");

        // A group with an image, a file, a reply and a reaction; the actions panel and search open.
        const moe = await registerByApi("moe", "Moe 莫");
        const group = await groupByApi(kim, [lee, moe], "Team 团队");
        const png = await readFile(new URL("../public/icons/icon-192.png", import.meta.url));
        await sendFileByApi(lee, group.id, { name: "photo.png", contentType: "image/png", bytes: png, kind: "image" });
        await sendFileByApi(moe, group.id, {
          name: "report.pdf",
          contentType: "application/pdf",
          bytes: new TextEncoder().encode("%PDF-1.4 not really"),
          kind: "file",
        });
        await page.goto(`/c/${group.id}`);
        await page.locator(".message-ol .file-card").waitFor();
        await page.locator(".message-ol .image-preview img").waitFor();
        await page.locator(".message-actions > button").first().click();
        await page.locator(".actions-panel").waitFor();
        await page.locator(".chat-tools .search-toggle").click();
        await page.locator(".search-panel").waitFor();
        await check(page, "group chat with files, actions and search");

        await page.locator(".image-preview").first().click();
        await page.locator("dialog.lightbox").waitFor();
        await check(page, "lightbox");
        await page.keyboard.press("Escape");

        await page.goto(`/c/${group.id}/info`);
        await page.locator(".member-list li").nth(2).waitFor();
        await check(page, "group info");

        await page.goto("/new-group");
        await page.locator(".friend-picker input").first().waitFor();
        await check(page, "new group");

        await nav.getByRole("link", { name: words.contacts }).click();
        await page.getByRole("heading", { name: words.contacts, level: 1 }).waitFor();
        await page.getByText(`@${lee.username}`).waitFor();
        await check(page, "contacts");

        await nav.getByRole("link", { name: words.settings }).click();
        await page.getByRole("heading", { name: words.settings, level: 1 }).waitFor();
        await check(page, "settings");

        // Profile and account, with two-step sign-in being set up (the QR code and its form showing).
        await page.goto("/settings/account");
        await page.locator(".account-section .avatar").waitFor();
        await page.locator(".account-section button").filter({ hasText: words.turnOn }).click();
        await page.locator("svg.qr").waitFor();
        await check(page, "profile and account");
        await context.close();
      });
    }
  }
});
