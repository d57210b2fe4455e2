// Screenshots of forwarding and pinned messages (issue 17), phone and desktop,
// English and Chinese, written to docs/screenshots/forward-pin-*.png
// (`node scripts/e2e.mjs --screenshots forward-pin`).
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { apiCall, BASE_URL, befriendByApi, groupByApi, launchBrowser, registerByApi, signInOn } from "./helpers";

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

describe("forward and pin screenshots", () => {
  for (const [size, viewport] of Object.entries(SIZES)) {
    it(`captures the picker, a forwarded message and the pinned bar (${size})`, async () => {
      const ann = await registerByApi("ann", "Ann Lee");
      const bo = await registerByApi("bo", "Bo 王");
      const cy = await registerByApi("cy", "Cy Park");
      const dm = await befriendByApi(ann, cy);
      const group = await groupByApi(ann, [bo, cy], "Weekend climbing 周末攀岩");
      const post = async (who: typeof ann, conversationId: string, text: string) =>
        (
          await apiCall<{ event: { seq: number } }>(`/api/conversations/${conversationId}/messages`, {
            token: who.auth.accessToken,
            body: { clientId: crypto.randomUUID(), kind: "text", text },
          })
        ).event.seq;
      const rules = await post(ann, group.id, "Meet at the north car park, 8:00 sharp 🚗");
      const plan = await post(bo, group.id, "Crag on Saturday? Bring the new rope 🧗 周六见");
      await post(cy, group.id, "I'm in!");
      await post(cy, dm.id, "Are you going this weekend?");
      await apiCall(`/api/conversations/${dm.id}/forwards`, {
        token: ann.auth.accessToken,
        body: { clientId: crypto.randomUUID(), from: { conversationId: group.id, seq: plan } },
      });

      for (const lang of ["en", "zh"] as const) {
        const suffix = lang === "en" ? size : `zh-${size}`;
        const context = await browser.newContext({
          baseURL: BASE_URL,
          viewport,
          colorScheme: "light",
          ...(lang === "zh" ? { locale: "zh-CN" } : {}),
        });
        const page = await context.newPage();
        await signInOn(page, ann.username, ann.password);

        // A forwarded message, in the DM it was forwarded into.
        await page.goto(`/c/${dm.id}`);
        await page.locator(".message-ol .forwarded").waitFor();
        await page.locator(".connection.live").waitFor();
        await shot(page, `forward-message-${suffix}`);

        // Pins, from the message menu (the owner may), then the bar; and the picker open.
        await page.goto(`/c/${group.id}`);
        await page.locator(".connection.live").waitFor();
        const action = async (seq: number, en: string, zh: string) => {
          await page.locator(`.message[data-message="${seq}"] .message-actions button`).click();
          await page
            .locator(".actions-panel")
            .getByRole("button", { name: lang === "en" ? en : zh, exact: true })
            .click();
        };
        // Pinned once, in the English pass; the Chinese one finds them pinned.
        if (lang === "en") {
          await action(rules, "Pin", "置顶");
          await page.locator(".pinned-bar").waitFor();
          await action(plan, "Pin", "置顶");
        }
        await page.locator(".pinned-bar .mark.current").waitFor();
        await shot(page, `pinned-bar-${suffix}`);
        await action(plan, "Forward", "转发");
        await page.locator("dialog.forward-dialog .forward-target").first().waitFor();
        await shot(page, `forward-picker-${suffix}`);
        await context.close();
      }
    });
  }
});
