// The reading flow (issue 15, defects 2 and 3): where the list goes when one
// sends or receives while scrolled up, and read markers that follow what was
// actually on screen while the page was visible. Then the flow itself:
// grouping, date separators, the "New messages" divider, and message actions
// on hover, keyboard, long-press and swipe-to-reply.
import { describe, expect, it } from "vitest";
import {
  axeViolations,
  befriendByApi,
  expectMessage,
  groupByApi,
  messageWith,
  registerByApi,
  sendMessage,
  useBrowser,
} from "./helpers";
import {
  backlog,
  bubbleStarting,
  eventsOf,
  isOnScreen,
  longPress,
  openAs,
  openChat,
  post,
  type Screen,
  scrollListToTop,
  setPageVisible,
  summaryOf,
  swipe,
} from "./reading.helpers";

const browser = useBrowser();
const JUMP = /^Back to the latest messages/;

describe("reading flow", () => {
  for (const screen of ["desktop", "phone"] as Screen[]) {
    it(`sending while scrolled up shows the sent message; new ones raise a counted jump button (${screen})`, async () => {
      const ray = await registerByApi("ray", "Ray Writer");
      const rita = await registerByApi("rita", "Rita Reader");
      const dm = await befriendByApi(ray, rita);
      await backlog(ray, dm.id, 40);

      const page = await openAs(browser(), rita, screen);
      await openChat(page, dm.id);
      await expect.poll(() => isOnScreen(page, "backlog 40 ")).toBe(true);
      // Seen (and so read): what comes next is new.
      await expect.poll(async () => (await summaryOf(rita, dm.id)).unread).toBe(0);
      const jump = page.getByRole("button", { name: JUMP });
      expect(await jump.count()).toBe(0);

      await scrollListToTop(page);
      await jump.waitFor();
      await post(ray, dm.id, "fresh news one");
      await post(ray, dm.id, "fresh news two");
      await expect.poll(() => jump.getAttribute("aria-label")).toBe("Back to the latest messages, 2 new");
      await expect.poll(() => jump.textContent()).toContain("2");
      expect(await isOnScreen(page, "fresh news two")).toBe(false);

      await sendMessage(page, "my answer while up there");
      await expect.poll(() => isOnScreen(page, "my answer while up there")).toBe(true);
      await expect.poll(() => jump.count()).toBe(0);
      await page.context().close();
    });
  }

  it("sending from a search jump far up the history goes back to the live end and shows the message", async () => {
    const rita = await registerByApi("rita", "Rita Reader");
    const writers = await Promise.all(["w1", "w2", "w3", "w4"].map((p) => registerByApi(p, `Writer ${p}`)));
    const [first] = writers;
    if (!first) throw new Error("no writers");
    const group = await groupByApi(rita, writers, "Long story");
    await post(first, group.id, "the old needle");
    // More than a page (200) between it and the newest: the jump shows a window of its own.
    await Promise.all(
      writers.map(async (w, k) => {
        for (let i = 0; i < 60; i += 1) await post(w, group.id, `hay ${k}-${i}`);
      }),
    );
    const page = await openAs(browser(), rita, "desktop");
    await openChat(page, group.id);
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("searchbox", { name: "Search messages" }).fill("needle");
    await page.getByRole("button", { name: "Search", exact: true }).last().click();
    await page
      .getByRole("list", { name: "Message search results" })
      .getByRole("button", { name: /needle/ })
      .click();
    await expect.poll(() => isOnScreen(page, "the old needle")).toBe(true);
    await page.getByRole("button", { name: JUMP }).waitFor();

    await sendMessage(page, "back to the present");
    await expect.poll(() => isOnScreen(page, "back to the present")).toBe(true);
    expect(await isOnScreen(page, "the old needle")).toBe(false);
    await page.context().close();
  });

  it("reads only what was on screen, and only while the page is visible", async () => {
    const ray = await registerByApi("ray", "Ray Writer");
    const rita = await registerByApi("rita", "Rita Reader");
    const dm = await befriendByApi(ray, rita);
    await backlog(ray, dm.id, 40);

    const page = await openAs(browser(), rita, "desktop");
    await openChat(page, dm.id);
    await expect.poll(async () => (await summaryOf(rita, dm.id)).unread).toBe(0);

    await scrollListToTop(page);
    const jump = page.getByRole("button", { name: JUMP });
    await jump.waitFor();
    const unseen = await post(ray, dm.id, "never on screen");
    await expect.poll(() => jump.getAttribute("aria-label")).toContain("1 new");

    // A fence: a reaction leaves on the same socket after any read frame sent before it.
    const fence = async (text: string, emoji: string) => {
      const bubble = bubbleStarting(page, text);
      await bubble.hover();
      await bubble.getByRole("button", { name: /^Actions for the message from/ }).click();
      await page.getByRole("button", { name: `React with ${emoji}` }).click();
      await expect
        .poll(async () => (await eventsOf(ray, dm.id)).some((e) => e.type === "reaction" && e.emoji === emoji))
        .toBe(true);
    };
    await fence("backlog 1 ", "👍");
    const away = await summaryOf(rita, dm.id);
    expect(away.readSeq).toBeLessThan(unseen);
    expect(away.unread).toBe(1);

    // Hidden (another tab in front): going down to it does not read it either.
    await setPageVisible(page, false);
    await jump.click();
    await expect.poll(() => isOnScreen(page, "never on screen")).toBe(true);
    await fence("never on screen", "🎉");
    expect((await summaryOf(rita, dm.id)).unread).toBe(1);

    // Shown again, with the message on screen: now it is read.
    await setPageVisible(page, true);
    await expect.poll(async () => (await summaryOf(rita, dm.id)).unread).toBe(0);
    await page.context().close();
  });

  for (const [locale, words] of [
    ["en-US", { today: "Today", divider: "New messages" }],
    ["zh-CN", { today: "今天", divider: "新消息" }],
  ] as const) {
    it(`groups by sender and minute, separates days, marks the first unread (${locale})`, async () => {
      const ray = await registerByApi("ray", "Ray Writer");
      const rita = await registerByApi("rita", "Rita Reader");
      const dm = await befriendByApi(ray, rita);
      for (const text of ["first of three", "second of three", "third of three"]) await post(ray, dm.id, text);

      const page = await openAs(browser(), rita, "desktop", locale);
      // The list is named in the page's language: found by its class here.
      const list = page.locator(".message-ol");
      const shows = (text: string) => list.getByText(text, { exact: true }).waitFor();
      await openChat(page, dm.id);
      await shows("third of three");
      await expect.poll(async () => (await summaryOf(rita, dm.id)).unread).toBe(0);
      await page.locator("#composer-text").fill("my reply");
      await page.locator("#composer-text").press("Enter");
      await shows("my reply");
      // Away (in-app, as a reader would go), then back to the chat from the list.
      await page.locator('nav a[href="/settings"]').click();
      await page.locator("#composer-text").waitFor({ state: "detached" });
      await post(ray, dm.id, "after you left");
      await post(ray, dm.id, "and one more");
      await page.locator('nav a[href="/"]').click();
      await page.locator(`.conversation-list a[href="/c/${dm.id}"]`).click();
      await page.locator(".chat-header .connection.live").waitFor();
      await shows("and one more");
      expect(await list.getByRole("separator", { name: words.today }).count()).toBe(1);
      const divider = page.getByRole("separator", { name: words.divider });
      await divider.waitFor();
      expect(await divider.count()).toBe(1);
      expect(await list.getByRole("listitem").filter({ has: divider }).textContent()).toContain("after you left");
      // One visible name-and-time line for a run of messages from one sender within a minute.
      const shownTimes = await list
        .locator(".message .meta")
        .evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().height > 1).length);
      expect(shownTimes).toBeLessThanOrEqual(4);
      expect(shownTimes).toBeGreaterThanOrEqual(3);
      // Separators, divider and the jump button pass axe too.
      await page.locator(".messages").evaluate((el) => {
        el.scrollTop = 0;
      });
      expect(await axeViolations(page)).toEqual([]);
      await page.context().close();
    });
  }

  it("offers message actions on hover and from the keyboard, not as a permanent row (desktop)", async () => {
    const ray = await registerByApi("ray", "Ray Writer");
    const rita = await registerByApi("rita", "Rita Reader");
    const dm = await befriendByApi(ray, rita);
    await post(ray, dm.id, "hover over me");
    await post(ray, dm.id, "and me");
    const page = await openAs(browser(), rita, "desktop");
    await openChat(page, dm.id);
    await expectMessage(page, "and me");

    const bubble = messageWith(page, "hover over me");
    const toggle = bubble.getByRole("button", { name: /^Actions for the message from/ });
    await page.mouse.move(1, 1);
    await expect.poll(() => toggle.evaluate((b) => getComputedStyle(b).opacity)).toBe("0");
    await bubble.hover();
    await expect.poll(() => toggle.evaluate((b) => getComputedStyle(b).opacity)).toBe("1");

    // Keyboard: the newest message is the list's tab stop; the context-menu key opens its actions.
    const last = messageWith(page, "and me");
    await last.focus();
    await page.keyboard.press("ContextMenu");
    const menu = page.getByRole("group", { name: "Actions" });
    await menu.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest(".actions-panel") !== null)).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => menu.count()).toBe(0);
    await expect.poll(() => last.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.context().close();
  });

  it("opens actions by long-press and replies by swiping (phone)", async () => {
    const ray = await registerByApi("ray", "Ray Writer");
    const rita = await registerByApi("rita", "Rita Reader");
    const dm = await befriendByApi(ray, rita);
    await post(ray, dm.id, "press and hold me");
    await post(ray, dm.id, "swipe me to reply");
    const page = await openAs(browser(), rita, "phone");
    await openChat(page, dm.id);
    await expectMessage(page, "swipe me to reply");

    const menu = page.getByRole("group", { name: "Actions" });
    await longPress(page, messageWith(page, "press and hold me"), () => menu.waitFor());
    await menu.getByRole("button", { name: "Reply" }).waitFor();
    await page.keyboard.press("Escape");
    await expect.poll(() => menu.count()).toBe(0);

    await swipe(page, messageWith(page, "swipe me to reply"), -120);
    await page.getByText("Replying to Ray Writer").waitFor();
    await sendMessage(page, "a swiped reply");
    await expectMessage(page, "a swiped reply");
    await expect
      .poll(async () => (await eventsOf(rita, dm.id)).some((e) => e.type === "message" && e.replyTo !== undefined))
      .toBe(true);
    await page.context().close();
  });
});
