// Screenshots of mentions (issue 17), phone and desktop, English and Chinese:
// the chat list's @ badge, and a chat with a mention of the reader highlighted
// and the @ suggestions open. `node scripts/e2e.mjs --screenshots mentions`.
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { apiCall, BASE_URL, groupByApi, launchBrowser, registerByApi, sendByApi, signInOn } from "./helpers";

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

describe("mention screenshots", () => {
  for (const [size, viewport] of Object.entries(SIZES)) {
    for (const lang of ["en", "zh"] as const) {
      it(`captures mentions (${size}, ${lang})`, async () => {
        const ann = await registerByApi("ann", "Ann Lee");
        const bo = await registerByApi("bo", "Bo 王");
        const cy = await registerByApi("cy", "Cy Park");
        const group = await groupByApi(ann, [bo, cy], "Weekend climbing 周末攀岩");
        await groupByApi(cy, [bo], "Route setters");
        await sendByApi(cy, group.id, "Crag on Saturday? 🧗");
        await sendByApi(ann, group.id, `@[Bo 王](u:${bo.auth.user.id}) can you bring the new rope?`);
        await sendByApi(cy, group.id, `@[Ann Lee](u:${ann.auth.user.id}) I'll drive, 8 am`);
        await apiCall(`/api/conversations/${group.id}/settings`, {
          method: "PATCH",
          token: bo.auth.accessToken,
          body: { muted: true },
        });

        const context = await browser.newContext({
          baseURL: BASE_URL,
          viewport,
          colorScheme: "light",
          ...(lang === "zh" ? { locale: "zh-CN" } : {}),
        });
        const page = await context.newPage();
        const suffix = `${lang === "zh" ? "-zh" : ""}-${size}`;
        await signInOn(page, bo.username, bo.password);
        await page.locator("[data-testid=mentions]").waitFor();
        await shot(page, `mentions-list${suffix}`);

        await page.goto(`/c/${group.id}`);
        await page.locator(".connection.live").waitFor();
        await page.locator(".message .mention.mention-me").waitFor();
        const box = page.locator("#composer-text");
        await box.click();
        await box.pressSequentially("Sure @");
        await page.locator(".mention-list .mention-option").nth(1).waitFor();
        await shot(page, `mentions-chat${suffix}`);
        await context.close();
      });
    }
  }
});
