// A message with a link shows the page's Open Graph card below its text. The
// page is served by this test on 127.0.0.1 (the e2e server allows plain http
// to the loopback for previews only: scripts/e2e.mjs PREVIEW_ALLOW_INSECURE).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { befriendByApi, messageWith, registerByApi, sendByApi, signIn, useBrowser, watchCsp } from "./helpers";
import { DESKTOP, PHONE } from "./reading.helpers";

const PAGE = `<!doctype html><html><head><meta charset="utf-8">
<title>Fallback</title>
<meta property="og:title" content="The &lt;b&gt;card&lt;/b&gt; title">
<meta property="og:description" content="What the linked page is about.">
<meta property="og:site_name" content="Loopback News">
</head><body><script>window.parent.__ran = 1</script></body></html>`;

let server: Server;
let origin = "";
const asked: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url ?? "");
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const browser = useBrowser();

describe("link previews", () => {
  for (const [name, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    it(`shows the linked page's card below the message (${name})`, async () => {
      const sender = await registerByApi("lp");
      const reader = await registerByApi("lp");
      const dm = await befriendByApi(sender, reader);
      const link = `${origin}/article/${name}`;
      const text = `have a look: ${link} (and tell me)`;
      await sendByApi(sender, dm.id, text);

      const page = await signIn(browser(), reader.username, reader.password, { viewport });
      const violations = await watchCsp(page);
      await page.goto(`/c/${encodeURIComponent(dm.id)}`);
      const bubble = messageWith(page, text);
      const card = bubble.getByRole("link", { name: "Link preview: The <b>card</b> title" });
      await card.waitFor();
      expect(await card.getAttribute("href")).toBe(link);
      // Text, not markup: the title's tags are characters on screen.
      expect(await card.locator(".link-card-title").textContent()).toBe("The <b>card</b> title");
      expect(await card.locator(".link-card-description").textContent()).toBe("What the linked page is about.");
      expect(await card.locator(".link-card-site").textContent()).toBe("Loopback News");
      expect(await card.locator("b").count()).toBe(0);
      // The Worker fetched the page, the browser did not run it.
      expect(asked).toContain(`/article/${name}`);
      expect(await page.evaluate(() => (window as unknown as { __ran?: unknown }).__ran ?? null)).toBeNull();
      expect(await violations()).toEqual([]);
      await page.context().close();
    });
  }
});
