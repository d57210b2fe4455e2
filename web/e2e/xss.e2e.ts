// Message text is data, never markup: payloads that would run script if
// rendered as HTML arrive, are shown verbatim, and nothing executes, in the
// chat, in the conversation list preview and in highlighted search results.
import { describe, expect, it } from "vitest";
import { befriendByApi, expectMessage, registerByApi, sendByApi, signIn, useBrowser, watchCsp } from "./helpers";

const PAYLOADS = [
  `<img src=x onerror="window.__xss=(window.__xss||0)+1">`,
  `<script>window.__xss=(window.__xss||0)+1</script>`,
  `<svg onload="window.__xss=(window.__xss||0)+1"></svg> payload`,
  `"><iframe srcdoc="<script>parent.__xss=1</script>"></iframe>`,
  `[click](javascript:window.__xss=1) payload`,
];

const browser = useBrowser();

describe("message text is never rendered as HTML", () => {
  it("shows script payloads verbatim and runs none of them", async () => {
    const mallory = await registerByApi("mallory");
    const victim = await registerByApi("victim");
    const dm = await befriendByApi(mallory, victim);
    for (const text of PAYLOADS) await sendByApi(mallory, dm.id, text);

    const page = await signIn(browser(), victim.username, victim.password);
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const violations = await watchCsp(page);

    // The list preview shows the last payload as text.
    await page
      .getByText(PAYLOADS.at(-1) ?? "", { exact: false })
      .first()
      .waitFor();

    await page.goto(`/c/${encodeURIComponent(dm.id)}`);
    for (const text of PAYLOADS) await expectMessage(page, text);

    // Search highlights wrap matches in <mark>; the payload around them stays text.
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByRole("searchbox", { name: "Search messages" }).fill("payload");
    await page.keyboard.press("Enter");
    await page.locator("mark").first().waitFor();

    const injected = await page.evaluate(() => ({
      xss: (window as unknown as { __xss?: unknown }).__xss ?? null,
      imgs: document.querySelectorAll('img[src="x"], img[src$="/x"]').length,
      scripts: [...document.querySelectorAll("script")].filter((s) => !s.src).length,
      svgs: document.querySelectorAll("main svg[onload]").length,
      iframes: document.querySelectorAll("iframe").length,
      jsLinks: document.querySelectorAll('a[href^="javascript:"]').length,
    }));
    expect(injected).toEqual({ xss: null, imgs: 0, scripts: 0, svgs: 0, iframes: 0, jsLinks: 0 });
    expect(dialogs).toEqual([]);
    expect(await violations()).toEqual([]);
  });
});
