// Issue 15, defect 5 and parts of 9, and issue 13's bidi isolation: block and
// remove confirm in an accessible dialog that says what happens; group info
// explains instead of a dead "Add"; the version reads as a version; every
// user string is isolated (dir="auto", unicode-bidi: isolate).
import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  axeViolations,
  befriendByApi,
  expectLive,
  gotoContacts,
  groupByApi,
  registerByApi,
  sendByApi,
  sendFileByApi,
  signIn,
  useBrowser,
} from "./helpers";

const browser = useBrowser();
const DESKTOP = { width: 1280, height: 800 };

const focusedInside = (l: Locator) => l.evaluate((el) => el.contains(document.activeElement));

describe("destructive actions confirm first", () => {
  it("blocks a friend only after a dialog that says what will happen", async () => {
    const kim = await registerByApi("bki", "Kim");
    const lou = await registerByApi("blo", "Lou Blocked");
    await befriendByApi(kim, lou);
    const page = await signIn(browser(), kim.username, kim.password, { viewport: DESKTOP });
    await gotoContacts(page);
    const friends = page.getByRole("list", { name: "Friends" });
    const block = friends.getByRole("button", { name: "Block" });
    await block.click();

    const dialog = page.getByRole("dialog", { name: "Block Lou Blocked?" });
    await dialog.waitFor();
    const text = (await dialog.textContent()) ?? "";
    expect(text).toContain("ends your friendship");
    expect(text).toContain("can't message you");
    expect(text).toContain("history stays");
    expect(await focusedInside(dialog)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    // Escape (or Cancel) changes nothing and gives the focus back.
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await block.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await friends.getByText("Lou Blocked").count()).toBe(1);

    await block.click();
    await dialog.getByRole("button", { name: "Block" }).click();
    await page.getByRole("list", { name: "Blocked" }).getByText("Lou Blocked").waitFor();
    await page.context().close();
  });

  it("removes a member only after confirming, and explains when nobody is left to add", async () => {
    const own = await registerByApi("gow", "Owner");
    const mem = await registerByApi("gme", "Mel Member");
    const group = await groupByApi(own, [mem], "Book club");
    const page = await signIn(browser(), own.username, own.password, { viewport: DESKTOP });
    await page.goto(`/c/${group.id}/info`);
    const members = page.getByRole("list", { name: /Members/ });
    await members.getByText("Mel Member", { exact: true }).waitFor();

    // Every friend is already in: no dead "Add" button, a way forward instead.
    expect(await page.getByRole("button", { name: "Add", exact: true }).count()).toBe(0);
    await page.getByText("Add friends first").waitFor();
    await page.getByRole("link", { name: "Find friends" }).waitFor();

    await members.getByRole("button", { name: "Remove Mel Member" }).click();
    const dialog = page.getByRole("dialog", { name: "Remove Mel Member from the group?" });
    await dialog.waitFor();
    expect(await focusedInside(dialog)).toBe(true);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await members.getByText("Mel Member", { exact: true }).count()).toBe(1);
    await members.getByRole("button", { name: "Remove Mel Member" }).click();
    await dialog.getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => members.getByText("Mel Member", { exact: true }).count()).toBe(0);
    await page.context().close();
  });

  it("shows the version as a version, not a timestamp", async () => {
    const sam = await registerByApi("vsa", "Sam");
    const page = await signIn(browser(), sam.username, sam.password);
    await page.goto("/settings");
    const info = page.getByText(/^Version /);
    await info.waitFor();
    expect(await info.textContent()).toMatch(/^Version \d+\.\d+\.\d+/);
    expect(await info.textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    await page.context().close();
  });
});

describe("user strings are isolated", () => {
  it("marks names, titles, text, previews and file names dir=auto with unicode-bidi: isolate", async () => {
    const rtl = await registerByApi("bdi", "مريم");
    const ted = await registerByApi("bte", "Ted");
    const dm = await befriendByApi(rtl, ted);
    // U+202E in message text is allowed by the contract; the client must contain it.
    await sendByApi(rtl, dm.id, "see \u202Efdp.exe");
    await sendFileByApi(rtl, dm.id, {
      name: "تقرير.txt",
      contentType: "text/plain",
      bytes: new TextEncoder().encode("report"),
      kind: "file",
    });
    const page = await signIn(browser(), ted.username, ted.password, { viewport: DESKTOP });
    const row = page.getByRole("list", { name: "Conversations" }).getByRole("listitem").first();
    await row.waitFor();
    await page.goto(`/c/${dm.id}`);
    await expectLive(page);
    await page.locator(".file-name").first().waitFor();

    const isolated = (selector: string) =>
      page.locator(selector).evaluateAll((els) =>
        els.map((el) => {
          // The element itself, or its nearest isolating ancestor inside the same widget.
          const host = el.closest("[dir='auto']");
          return {
            dir: host?.getAttribute("dir") ?? null,
            bidi: host ? getComputedStyle(host).unicodeBidi : "none",
          };
        }),
      );
    for (const selector of [
      ".conversation-list .title-text",
      ".conversation-list .preview-text",
      ".message .sender",
      ".message p.text",
      ".file-name",
      ".chat-header h1",
    ]) {
      const found = await isolated(selector);
      expect(found.length, selector).toBeGreaterThan(0);
      for (const f of found) expect(f, selector).toEqual({ dir: "auto", bidi: "isolate" });
    }
    await page.context().close();
  });
});
