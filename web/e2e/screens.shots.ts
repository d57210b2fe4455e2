// Screenshots of the main screens at phone and desktop widths, written to
// docs/screenshots/ (run with `node scripts/e2e.mjs --screenshots`).
import { mkdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { WEBP_256 } from "../../worker/test/avatar-fixtures";
import {
  apiCall,
  BASE_URL,
  befriendByApi,
  groupByApi,
  launchBrowser,
  registerByApi,
  sendByApi,
  sendFileByApi,
  signInOn,
} from "./helpers";

const OUT = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
  await mkdir(OUT, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

const shot = (page: Page, name: string) => page.screenshot({ path: `${OUT}${name}.png` });

describe("screenshots", () => {
  for (const [size, viewport] of Object.entries(SIZES)) {
    it(`captures the main screens (${size})`, async () => {
      const ann = await registerByApi("ann", "Ann Lee");
      const bo = await registerByApi("bo", "Bo 王");
      const cy = await registerByApi("cy", "Cy Park");
      // Bo has a picture; Ann and Cy show initials on their colours.
      const put = await fetch(`${BASE_URL}/api/me/avatar`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${bo.auth.accessToken}` },
        body: WEBP_256,
      });
      if (!put.ok) throw new Error(`avatar upload: ${put.status}`);
      const chat = await befriendByApi(ann, bo);
      const other = await befriendByApi(ann, cy);
      await sendByApi(bo, chat.id, "Hi Ann! Lunch at noon? 🍜");
      await sendByApi(ann, chat.id, "Sounds great 👍 see you there");
      await sendByApi(bo, chat.id, "好的，12 点见 😀");
      await sendByApi(cy, other.id, "Did you see the new build? 🚀");

      const context = await browser.newContext({ baseURL: BASE_URL, viewport, colorScheme: "light" });
      const page = await context.newPage();
      await page.goto("/");
      await page.locator('input[name="username"]').waitFor();
      await shot(page, `login-${size}`);

      await signInOn(page, ann.username, ann.password);
      await page.getByRole("list", { name: "Conversations" }).getByText("Cy Park").waitFor();
      await page.locator(".conversation-list .avatar-img").waitFor();
      await shot(page, `conversations-${size}`);

      await page.goto(`/c/${chat.id}`);
      await page.locator(".message-ol").getByText("好的，12 点见 😀").waitFor();
      await page.getByRole("status", { name: "Connection: Live" }).waitFor();
      await shot(page, `chat-${size}`);

      await page.emulateMedia({ colorScheme: "dark" });
      await shot(page, `chat-dark-${size}`);
      await page.emulateMedia({ colorScheme: "light" });

      // A group with a reply, a reaction, an image and a file card.
      const group = await groupByApi(ann, [bo, cy], "Weekend climbing 周末攀岩");
      const post = (who: typeof ann, body: Record<string, unknown>) =>
        apiCall<{ event: { seq: number } }>(`/api/conversations/${group.id}/messages`, {
          token: who.auth.accessToken,
          body: { clientId: crypto.randomUUID(), kind: "text", ...body },
        });
      const plan = await post(ann, { text: "Crag on Saturday? Bring the new rope 🧗" });
      await post(bo, { text: "I'm in! 我也去", replyTo: plan.event.seq });
      await apiCall(`/api/conversations/${group.id}/messages`, {
        token: cy.auth.accessToken,
        body: { clientId: crypto.randomUUID(), kind: "text", text: "Route map attached" },
      });
      const png = await readFile(new URL("../public/icons/icon-512.png", import.meta.url));
      await sendFileByApi(cy, group.id, { name: "crag.png", contentType: "image/png", bytes: png, kind: "image" });
      await sendFileByApi(cy, group.id, {
        name: "topo-guide.pdf",
        contentType: "application/pdf",
        bytes: new TextEncoder().encode(`%PDF-1.4\n${"route data ".repeat(4000)}`),
        kind: "file",
      });
      await page.goto(`/c/${group.id}`);
      await page.locator(".message-ol .file-card").waitFor();
      await page.locator(".message-ol .image-preview img").waitFor();
      await page.evaluate(() =>
        Promise.all([...document.images].map((img) => (img.complete ? null : img.decode().catch(() => null)))),
      );
      await shot(page, `group-chat-${size}`);
      await page.emulateMedia({ colorScheme: "dark" });
      await shot(page, `group-chat-dark-${size}`);
      await page.emulateMedia({ colorScheme: "light" });

      await page.getByRole("button", { name: "Search" }).click();
      await page.getByRole("searchbox", { name: "Search messages" }).fill("rope");
      await page.getByRole("button", { name: "Search", exact: true }).last().click();
      await page.getByRole("list", { name: "Message search results" }).locator("mark").first().waitFor();
      await shot(page, `search-${size}`);

      await page.goto(`/c/${group.id}/info`);
      await page.locator(".member-list li").nth(2).waitFor();
      await shot(page, `group-info-${size}`);

      await page.goto("/contacts");
      await page.getByText(`@${cy.username}`).waitFor();
      await shot(page, `contacts-${size}`);

      await page.goto("/settings");
      await page.getByRole("heading", { name: "Settings" }).waitFor();
      await shot(page, `settings-${size}`);

      // Profile and account, with two-step sign-in being set up (the QR code showing).
      await page.goto("/settings/account");
      await page.getByRole("button", { name: "Turn on" }).click();
      await page.getByRole("img", { name: "QR code for your authenticator app" }).waitFor();
      await page.getByTestId("totp-secret").waitFor();
      // The page scrolls inside the shell: a tall window shows all of it.
      await page.setViewportSize({ width: viewport.width, height: 1700 });
      await page.locator("main").evaluate((el) => el.scrollTo(0, 0));
      await shot(page, `account-${size}`);
      await context.close();

      // The same screens in Chinese, as a browser set to zh-CN shows them (no English label is waited for).
      const zh = await browser.newContext({ baseURL: BASE_URL, viewport, colorScheme: "light", locale: "zh-CN" });
      const zhPage = await zh.newPage();
      await zhPage.goto("/");
      await zhPage.locator('input[name="username"]').waitFor();
      await shot(zhPage, `login-zh-${size}`);
      await signInOn(zhPage, ann.username, ann.password);
      await zhPage.locator("li").filter({ hasText: "Cy Park" }).first().waitFor();
      await zhPage.locator(".conversation-list .avatar-img").waitFor();
      await shot(zhPage, `conversations-zh-${size}`);
      await zhPage.goto(`/c/${chat.id}`);
      await zhPage.locator(".message-ol").getByText("好的，12 点见 😀").waitFor();
      await zhPage.locator(".connection.live").waitFor();
      await shot(zhPage, `chat-zh-${size}`);
      await zhPage.emulateMedia({ colorScheme: "dark" });
      await shot(zhPage, `chat-dark-zh-${size}`);
      await zhPage.emulateMedia({ colorScheme: "light" });
      await zhPage.goto(`/c/${group.id}`);
      await zhPage.locator(".message-ol .file-card").waitFor();
      await zhPage.locator(".message-ol .image-preview img").waitFor();
      await shot(zhPage, `group-chat-zh-${size}`);
      await zhPage.goto(`/c/${group.id}/info`);
      await zhPage.locator(".member-list li").nth(2).waitFor();
      await shot(zhPage, `group-info-zh-${size}`);
      await zhPage.goto("/contacts");
      await zhPage.getByText(`@${cy.username}`).waitFor();
      await shot(zhPage, `contacts-zh-${size}`);
      await zhPage.goto("/settings");
      await zhPage.locator("h1").first().waitFor();
      await shot(zhPage, `settings-zh-${size}`);
      await zhPage.goto("/settings/account");
      await zhPage.getByRole("button", { name: "开启" }).click();
      await zhPage.locator("svg.qr").waitFor();
      await zhPage.setViewportSize({ width: viewport.width, height: 1700 });
      await zhPage.locator("main").evaluate((el) => el.scrollTo(0, 0));
      await shot(zhPage, `account-zh-${size}`);
      await zh.close();

      // Issue 17: search over all chats (people and messages) and the New chat sheet, in both languages.
      await sendByApi(bo, group.id, "Cy drives, we meet at the park at 8 🚗");
      for (const [locale, suffix] of [
        ["en-US", ""],
        ["zh-CN", "-zh"],
      ] as const) {
        const ctx = await browser.newContext({ baseURL: BASE_URL, viewport, colorScheme: "light", locale });
        const p = await ctx.newPage();
        await signInOn(p, ann.username, ann.password);
        await p.locator("li").filter({ hasText: "Cy Park" }).first().waitFor();
        await p.locator("#global-search").fill("cy");
        await p.locator(".hit-list mark").first().waitFor();
        await p.locator(".global-results .people li").first().waitFor();
        await shot(p, `global-search${suffix}-${size}`);
        await p.locator("#global-search").fill("");
        await p.locator(".list-head button").click();
        await p.locator("dialog.sheet .sheet-list button").nth(1).waitFor();
        await shot(p, `new-chat${suffix}-${size}`);
        await ctx.close();
      }
    });
  }
});
