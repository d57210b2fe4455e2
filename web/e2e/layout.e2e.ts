// The chat's layout (issue 15, defects 9 and 10): the phone gives the
// conversation the screen, the newest message's actions open where they can
// be seen, "Load older" only when there is older, drafts per chat, and links.
import { describe, expect, it } from "vitest";
import {
  axeViolations,
  befriendByApi,
  expectMessage,
  messages,
  messageWith,
  registerByApi,
  sendMessage,
  useBrowser,
} from "./helpers";
import { allButtonsHittable, openAs, openChat, PHONE, post, type Screen } from "./reading.helpers";

const browser = useBrowser();

describe("chat layout", () => {
  it("gives the conversation the phone's screen: compact header, wide text box, lean bubbles", async () => {
    const ray = await registerByApi("ray", "Ray Writer");
    const rita = await registerByApi("rita", "Rita Reader");
    const dm = await befriendByApi(ray, rita);
    for (const text of ["one", "two", "three"]) await post(ray, dm.id, text);
    const page = await openAs(browser(), rita, "phone");
    await openChat(page, dm.id);
    await expectMessage(page, "three");

    const list = await page.locator(".messages").boundingBox();
    const box = await page.getByRole("textbox", { name: "Message" }).boundingBox();
    if (!list || !box) throw new Error("no list or text box");
    // Chrome above the conversation: one compact header row (it was ~170 px).
    expect(list.y).toBeLessThanOrEqual(64);
    // The text box is not squeezed by the buttons beside it (it was ~45%).
    expect(box.width).toBeGreaterThanOrEqual(PHONE.width * 0.6);
    // The list gets most of the screen.
    expect(list.height).toBeGreaterThanOrEqual(PHONE.height * 0.65);

    // A one-line bubble is one line: no row for a "⋯" button, no repeated name and time.
    const two = await messageWith(page, "two").boundingBox();
    expect(two?.height ?? 0).toBeLessThan(44);
    const shown = await messages(page)
      .locator(".message .meta")
      .evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().height > 1).length);
    expect(shown).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.context().close();
  });

  for (const screen of ["desktop", "phone"] as Screen[]) {
    it(`opens the newest message's actions inside the visible area (${screen})`, async () => {
      const ray = await registerByApi("ray", "Ray Writer");
      const rita = await registerByApi("rita", "Rita Reader");
      const dm = await befriendByApi(ray, rita);
      for (let i = 1; i <= 12; i += 1) await post(ray, dm.id, `line ${i}`);
      const page = await openAs(browser(), rita, screen);
      await openChat(page, dm.id);
      await expectMessage(page, "line 12");

      const newest = messageWith(page, "line 12");
      await newest.hover();
      await newest.getByRole("button", { name: /^Actions for the message from/ }).click();
      const menu = page.getByRole("group", { name: "Actions" });
      await menu.waitFor();
      await expect.poll(() => allButtonsHittable(menu)).toBe(true);
      await page.context().close();
    });
  }

  it("offers older messages only while there are some, from the network and from the cache", async () => {
    const ray = await registerByApi("ray", "Ray Writer");
    const rita = await registerByApi("rita", "Rita Reader");
    const dm = await befriendByApi(ray, rita);
    for (const text of ["all", "there", "is"]) await post(ray, dm.id, text);
    const page = await openAs(browser(), rita, "desktop");
    await openChat(page, dm.id);
    await expectMessage(page, "is");
    const older = page.getByRole("button", { name: "Load older messages" });
    expect(await older.count()).toBe(0);
    // From the cache (a reload): still nothing older to offer.
    await page.reload();
    await expectMessage(page, "is");
    expect(await older.count()).toBe(0);
    await page.context().close();
  });

  it("keeps a draft per chat across switching chats and reloads", async () => {
    const rita = await registerByApi("rita", "Rita Reader");
    const ray = await registerByApi("ray", "Ray Writer");
    const sam = await registerByApi("sam", "Sam Other");
    const withRay = await befriendByApi(rita, ray);
    const withSam = await befriendByApi(rita, sam);
    await post(ray, withRay.id, "hello from Ray");
    await post(sam, withSam.id, "hello from Sam");
    const page = await openAs(browser(), rita, "desktop");
    const box = page.getByRole("textbox", { name: "Message" });
    const chats = page.getByRole("list", { name: "Conversations" });

    await openChat(page, withRay.id);
    await box.fill("half a thought for Ray");
    await chats.getByRole("link", { name: /Sam Other/ }).click();
    await expectMessage(page, "hello from Sam");
    await expect.poll(() => box.inputValue()).toBe("");
    await box.fill("a note for Sam");
    await chats.getByRole("link", { name: /Ray Writer/ }).click();
    await expectMessage(page, "hello from Ray");
    await expect.poll(() => box.inputValue()).toBe("half a thought for Ray");

    await page.reload();
    await expectMessage(page, "hello from Ray");
    await expect.poll(() => box.inputValue()).toBe("half a thought for Ray");
    await chats.getByRole("link", { name: /Sam Other/ }).click();
    await expect.poll(() => box.inputValue()).toBe("a note for Sam");

    // Sending clears the draft for good.
    await sendMessage(page, "a note for Sam, sent");
    await expectMessage(page, "a note for Sam, sent");
    await page.reload();
    await expectMessage(page, "a note for Sam, sent");
    await expect.poll(() => box.inputValue()).toBe("");
    await page.context().close();
  });

  it("makes http(s) links clickable and nothing else", async () => {
    const ray = await registerByApi("ray", "Ray Writer");
    const rita = await registerByApi("rita", "Rita Reader");
    const dm = await befriendByApi(ray, rita);
    const text = "docs at https://example.com/a?x=1&y=2. Not javascript:alert(1) nor <a href=x>this</a> or <b>bold</b>";
    await post(ray, dm.id, text);
    const page = await openAs(browser(), rita, "desktop");
    await openChat(page, dm.id);
    const bubble = messageWith(page, text);
    await bubble.waitFor();

    const links = bubble.locator("p.text a");
    expect(await links.count()).toBe(1);
    const link = bubble.getByRole("link", { name: "https://example.com/a?x=1&y=2", exact: true });
    expect(await link.getAttribute("href")).toBe("https://example.com/a?x=1&y=2");
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toBe("noopener noreferrer nofollow ugc");
    expect(await bubble.locator("b").count()).toBe(0);
    await page.context().close();
  });
});
