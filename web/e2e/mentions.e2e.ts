// Issue 17, mentions: `@` in the composer offers the group's members
// (keyboard on a desktop, a tap on a phone), the sent message shows the
// mention highlighted by the member's current name (after a rename too), and
// the mentioned user's chat list shows a separate `@` badge; in a muted chat
// a mention still raises a notice.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  apiCall,
  axeViolations,
  expectLive,
  groupByApi,
  messages,
  messageWith,
  registerByApi,
  sendByApi,
  signIn,
  useBrowser,
} from "./helpers";

const browser = useBrowser();
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const box = (page: Page) => page.getByRole("textbox", { name: "Message" });
const suggestions = (page: Page) => page.getByRole("listbox", { name: "Members to mention" });
const row = (page: Page, title: string) =>
  page.getByRole("list", { name: "Conversations" }).getByRole("listitem").filter({ hasText: title });

describe("mentions", () => {
  it("autocomplete → send → highlighted for the other member, with an @ badge in their list (desktop and phone)", async () => {
    const amy = await registerByApi("mna", "Amy Writer");
    const ben = await registerByApi("mnb", "Ben Reader");
    const cy = await registerByApi("mnc", "Cy Bystander");
    const g = await groupByApi(amy, [ben, cy], "Mention club");
    await groupByApi(amy, [ben], "Elsewhere");

    const desk = await signIn(browser(), amy.username, amy.password, { viewport: DESKTOP });
    // A touch screen: the tap below is a real touch. Ben waits on his chat list.
    const phone = await signIn(browser(), ben.username, ben.password, {
      viewport: PHONE,
      hasTouch: true,
      isMobile: true,
    });
    await row(phone, "Elsewhere").waitFor();

    // Desktop, keyboard only: type, arrow to Ben, Enter inserts, Enter sends.
    await desk.goto(`/c/${g.id}`);
    await expectLive(desk);
    await box(desk).click();
    await box(desk).pressSequentially("lunch? @");
    const list = suggestions(desk);
    await list.waitFor();
    expect(await list.getByRole("option").count()).toBe(2);
    // The open list, the box pointing into it, stays clean for axe.
    expect(await axeViolations(desk)).toEqual([]);
    await box(desk).pressSequentially("re");
    // "Ben Reader" (a later word) is the only match; it is active at once.
    await expect.poll(() => list.getByRole("option").allTextContents()).toEqual([`Ben Reader @${ben.username}`]);
    expect(await box(desk).getAttribute("aria-activedescendant")).toBe("mention-option-0");
    await box(desk).press("Enter");
    await expect.poll(() => box(desk).inputValue()).toBe("lunch? @Ben Reader ");
    expect(await suggestions(desk).count()).toBe(0);
    await box(desk).pressSequentially("at 1");
    await box(desk).press("Enter");
    const sent = messages(desk).locator(".message").filter({ hasText: "at 1" });
    await sent.locator(".mention").filter({ hasText: "@Ben Reader" }).waitFor();

    // Ben's phone: the group's row has the @ badge beside the unread count.
    const benRow = row(phone, "Mention club");
    await benRow.getByTestId("mentions").waitFor();
    expect(await benRow.getByTestId("mentions").textContent()).toContain("@");
    await benRow.getByTestId("unread").filter({ hasText: "1" }).waitFor();
    await phone.bringToFront();
    await benRow.getByRole("link").click();
    await expectLive(phone);
    const mine = messages(phone).locator(".message.mentions-me");
    await mine.locator(".mention.mention-me").filter({ hasText: "@Ben Reader" }).waitFor();
    // Read: the badge goes.
    await phone.getByRole("link", { name: "← All chats" }).click();
    await expect.poll(() => row(phone, "Mention club").getByTestId("mentions").count()).toBe(0);

    // Phone, by touch: a tap on the suggestion inserts it, the keyboard stays on the box.
    await phone.goto(`/c/${g.id}`);
    await expectLive(phone);
    await box(phone).tap();
    await box(phone).pressSequentially("@am");
    await suggestions(phone)
      .getByRole("option", { name: /Amy Writer/ })
      .tap();
    await expect.poll(() => box(phone).inputValue()).toBe("@Amy Writer ");
    expect(await phone.evaluate(() => document.activeElement?.id)).toBe("composer-text");
    await box(phone).pressSequentially("yes!");
    await box(phone).press("Enter");
    await messages(desk)
      .locator(".message.mentions-me .mention.mention-me")
      .filter({ hasText: "@Amy Writer" })
      .waitFor();

    // A rename shows in the old message: tokens carry ids, the client shows current names.
    await apiCall("/api/me", { method: "PATCH", token: ben.auth.accessToken, body: { displayName: "Benjamin" } });
    await desk.reload();
    await messageWith(desk, "lunch? @Benjamin at 1").locator(".mention").filter({ hasText: "@Benjamin" }).waitFor();
    await desk.context().close();
    await phone.context().close();
  });

  it("in a muted chat a mention still raises a notice and the @ badge; a plain message does not", async () => {
    const amy = await registerByApi("mma", "Amy Caller");
    const ben = await registerByApi("mmb", "Ben Muted");
    const g = await groupByApi(amy, [ben], "Quiet room");
    const elsewhere = await groupByApi(amy, [ben], "Open room");
    await apiCall(`/api/conversations/${g.id}/settings`, {
      method: "PATCH",
      token: ben.auth.accessToken,
      body: { muted: true },
    });
    const page = await signIn(browser(), ben.username, ben.password, { viewport: DESKTOP });
    await page.goto(`/c/${elsewhere.id}`);
    await expectLive(page);

    await sendByApi(amy, g.id, "just chatting");
    const quiet = row(page, "Quiet room");
    await quiet.locator(".badge.muted-badge").filter({ hasText: "1" }).waitFor();
    expect(await page.locator(".notice").filter({ hasText: "Quiet room" }).count()).toBe(0);
    expect(await quiet.getByTestId("mentions").count()).toBe(0);

    await sendByApi(amy, g.id, `@[Ben Muted](u:${ben.auth.user.id}) your turn`);
    await page
      .locator(".notice")
      .filter({ hasText: "Quiet room" })
      .filter({ hasText: "@Ben Muted your turn" })
      .waitFor();
    await quiet.getByTestId("mentions").waitFor();
    await page.context().close();
  });
});
