// Issue 17, mute and pin: a pinned chat tops the list (after a reload too, and
// on the same user's other device, live); a muted chat shows a grey badge and
// raises no notice.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { befriendByApi, expectLive, registerByApi, sendByApi, signIn, useBrowser } from "./helpers";

const browser = useBrowser();
const DESKTOP = { width: 1280, height: 800 };

const rows = (page: Page) => page.getByRole("list", { name: "Conversations" }).getByRole("listitem");
const firstRowText = async (page: Page) => (await rows(page).first().textContent()) ?? "";

describe("mute and pin", () => {
  it("pinning moves a chat to the top, survives a reload, and shows on the user's other device", async () => {
    const amy = await registerByApi("pam", "Amy Pinned");
    const ben = await registerByApi("pbe", "Ben Pinner");
    const cat = await registerByApi("pca", "Cat Recent");
    const withAmy = await befriendByApi(amy, ben);
    const withCat = await befriendByApi(cat, ben);
    await sendByApi(amy, withAmy.id, "older");
    await sendByApi(cat, withCat.id, "newer");

    const desk = await signIn(browser(), ben.username, ben.password, { viewport: DESKTOP });
    const phone = await signIn(browser(), ben.username, ben.password, { viewport: { width: 390, height: 844 } });
    await expect.poll(() => firstRowText(phone)).toContain("Cat Recent");

    await desk.goto(`/c/${withAmy.id}`);
    await expectLive(desk);
    await desk.getByRole("button", { name: "Pin", exact: true }).click();
    await desk.getByRole("button", { name: "Unpin", exact: true }).waitFor();
    await expect.poll(() => firstRowText(desk)).toContain("Amy Pinned");
    expect(await rows(desk).first().getByRole("img", { name: "Pinned" }).count()).toBe(1);

    // The other device, over its inbox socket: no reload.
    await expect.poll(() => firstRowText(phone)).toContain("Amy Pinned");
    await rows(phone).first().getByRole("img", { name: "Pinned" }).waitFor();

    // A newer message elsewhere does not move it, after a reload either.
    await sendByApi(cat, withCat.id, "newest");
    await desk.reload();
    await rows(desk).filter({ hasText: "newest" }).waitFor();
    expect(await firstRowText(desk)).toContain("Amy Pinned");
    await desk.context().close();
    await phone.context().close();
  });

  it("a muted chat counts unread in a grey badge and raises no notice", async () => {
    const amy = await registerByApi("mam", "Amy Muted");
    const ben = await registerByApi("mbe", "Ben Muter");
    const cat = await registerByApi("mca", "Cat Open");
    const withAmy = await befriendByApi(amy, ben);
    const withCat = await befriendByApi(cat, ben);
    const page = await signIn(browser(), ben.username, ben.password, { viewport: DESKTOP });
    await page.goto(`/c/${withAmy.id}`);
    await expectLive(page);
    await page.getByRole("button", { name: "Mute", exact: true }).click();
    await page.getByRole("button", { name: "Unmute", exact: true }).waitFor();
    await page.goto(`/c/${withCat.id}`);
    await expectLive(page);

    await sendByApi(amy, withAmy.id, "hush");
    const row = rows(page).filter({ hasText: "Amy Muted" });
    // The frame that shows the badge would have raised the notice in the same step.
    await row.locator(".badge.muted-badge").filter({ hasText: "1" }).waitFor();
    await row.getByRole("img", { name: "Muted" }).waitFor();
    expect(await page.locator(".notice").filter({ hasText: "Amy Muted" }).count()).toBe(0);

    // Unmuted, the next message notices again (the test above would pass vacuously otherwise).
    await page.goto(`/c/${withAmy.id}`);
    await page.getByRole("button", { name: "Unmute", exact: true }).click();
    await page.getByRole("button", { name: "Mute", exact: true }).waitFor();
    await page.goto(`/c/${withCat.id}`);
    await expectLive(page);
    await sendByApi(amy, withAmy.id, "loud");
    await page.locator(".notice").filter({ hasText: "Amy Muted" }).waitFor();
    await page.context().close();
  });
});
