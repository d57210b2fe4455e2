// Issue 17, forward and pin messages: "Forward" opens a chat picker and lands
// in the chosen chat with "Forwarded from …"; a forwarded image shows to a
// member who is not in its source chat. Admins pin from the message menu,
// everyone sees the pinned bar, a tap jumps to the pin and turns to the one
// before it, and unpinning or deleting takes it away.
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  apiCall,
  axeViolations,
  befriendByApi,
  expectLive,
  expectMessage,
  groupByApi,
  messageAction,
  messages,
  messageWith,
  registerByApi,
  sendByApi,
  sendFileByApi,
  signIn,
  useBrowser,
} from "./helpers";

const browser = useBrowser();
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

const menu = (page: Page) => page.getByRole("group", { name: "Message actions" });
const pinnedBar = (page: Page) => page.getByRole("button", { name: /^Pinned message/ });

describe("forwarding", () => {
  it("forwards from a group into a DM through the picker, on a phone; the other side sees who wrote it", async () => {
    const ann = await registerByApi("fwann", "Ann Forwarder");
    const bo = await registerByApi("fwbo", "Bo Author");
    const cy = await registerByApi("fwcy", "Cy Receiver");
    const group = await groupByApi(ann, [bo], "Weekend");
    const dm = await befriendByApi(ann, cy);
    await sendByApi(bo, group.id, "Plans for Saturday");
    const png = await readFile(new URL("../public/icons/icon-192.png", import.meta.url));
    await sendFileByApi(bo, group.id, { name: "map.png", contentType: "image/png", bytes: png, kind: "image" });

    const phone = await signIn(browser(), ann.username, ann.password, { viewport: PHONE });
    await phone.goto(`/c/${group.id}`);
    await expectLive(phone);
    await messageAction(phone, "Plans for Saturday", "Forward");
    const picker = phone.getByRole("dialog", { name: "Forward to…" });
    await picker.getByRole("button", { name: "Forward to Weekend" }).waitFor();
    expect(await axeViolations(phone)).toEqual([]);
    await picker.getByRole("searchbox", { name: "Search chats" }).fill("cy rec");
    // The search keeps only the matching chat; the group is filtered out.
    await expect.poll(() => picker.getByRole("button", { name: /^Forward to / }).count()).toBe(1);
    await picker.getByRole("button", { name: "Forward to Cy Receiver" }).click();
    // Lands in the DM, with the copy and its origin.
    await phone.waitForURL(`**/c/${dm.id}`);
    await expectMessage(phone, "Plans for Saturday");
    await messageWith(phone, "Plans for Saturday").getByText("Forwarded from Bo Author").waitFor();

    // The image goes over REST (the same path); Cy, who is not in the group, sees both on a desktop.
    const [image] = (
      await apiCall<{ messages: { seq: number; kind: string }[] }>(`/api/conversations/${group.id}/messages`, {
        token: ann.auth.accessToken,
      })
    ).messages.filter((m) => m.kind === "image");
    await apiCall(`/api/conversations/${dm.id}/forwards`, {
      token: ann.auth.accessToken,
      body: { clientId: "fw-image", from: { conversationId: group.id, seq: image?.seq } },
    });
    const desk = await signIn(browser(), cy.username, cy.password, { viewport: DESKTOP });
    await desk.goto(`/c/${dm.id}`);
    await expectLive(desk);
    await messageWith(desk, "Plans for Saturday").getByText("Forwarded from Bo Author").waitFor();
    const img = messages(desk).getByRole("img", { name: /map\.png/ });
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await phone.context().close();
    await desk.context().close();
  });
});

describe("pinned messages", () => {
  it("an admin pins on a desktop; a member's phone shows the bar, jumps and cycles; unpin and delete take it away", async () => {
    const ann = await registerByApi("pnann", "Ann Admin");
    const bo = await registerByApi("pnbo", "Bo Member");
    const group = await groupByApi(ann, [bo], "Club");
    await sendByApi(bo, group.id, "Rule one: be kind");
    // More than a page of history after it, so a jump to it has to load it.
    for (let i = 0; i < 28; i++) {
      await sendByApi(ann, group.id, `filler a${i}`);
      await sendByApi(bo, group.id, `filler b${i}`);
    }
    await sendByApi(bo, group.id, "Rule two: no spam");
    const [ruleOne] = (
      await apiCall<{ messages: { seq: number; text: string | null }[] }>(
        `/api/conversations/${group.id}/messages?q=kind`,
        { token: ann.auth.accessToken },
      )
    ).messages;

    const desk = await signIn(browser(), ann.username, ann.password, { viewport: DESKTOP });
    await desk.goto(`/c/${group.id}`);
    await expectLive(desk);
    await messageAction(desk, "Rule two: no spam", "Pin");
    await pinnedBar(desk).filter({ hasText: "Rule two: no spam" }).waitFor();

    const phone = await signIn(browser(), bo.username, bo.password, { viewport: PHONE });
    await phone.goto(`/c/${group.id}`);
    await expectLive(phone);
    await pinnedBar(phone).filter({ hasText: "Rule two: no spam" }).waitFor();
    expect(await axeViolations(phone)).toEqual([]);
    // A member may not pin: the menu has no Pin.
    await messageWith(phone, "Rule two: no spam")
      .getByRole("button", { name: /^Actions for the message from/ })
      .click();
    await menu(phone).getByRole("button", { name: "Reply" }).waitFor();
    expect(await menu(phone).getByRole("button", { name: "Pin", exact: true }).count()).toBe(0);
    await phone.keyboard.press("Escape");

    // The admin pins the older one too, from its place in history (a jump there first).
    await desk.getByRole("button", { name: "Search", exact: true }).click();
    const search = desk.getByRole("searchbox", { name: "Search messages" });
    await search.fill("kind");
    await search.press("Enter");
    await desk.getByRole("list", { name: "Message search results" }).getByRole("button").first().click();
    await messageWith(desk, "Rule one: be kind").waitFor();
    await messageAction(desk, "Rule one: be kind", "Pin");
    await pinnedBar(desk).filter({ hasText: "Pinned message 2 of 2" }).waitFor();

    // The phone: newest pin first; each tap jumps to the one shown and turns to the one before.
    await pinnedBar(phone).filter({ hasText: "Rule one: be kind" }).waitFor();
    await pinnedBar(phone).click();
    await expect.poll(() => messageWith(phone, "Rule one: be kind").count()).toBe(1);
    await pinnedBar(phone).filter({ hasText: "Pinned message 1 of 2" }).waitFor();
    await pinnedBar(phone).filter({ hasText: "Rule two: no spam" }).waitFor();
    await pinnedBar(phone).click();
    await pinnedBar(phone).filter({ hasText: "Rule one: be kind" }).waitFor();
    expect(ruleOne?.text).toBe("Rule one: be kind");

    // Unpinned on the desktop: the phone's bar follows live.
    await messageAction(desk, "Rule one: be kind", "Unpin");
    await pinnedBar(phone).filter({ hasText: "Rule two: no spam" }).waitFor();
    await expect.poll(() => pinnedBar(phone).textContent()).not.toContain("of 2");
    // Deleting the last pinned message removes the bar.
    const latest = desk.getByRole("button", { name: /^Back to the latest messages/ });
    if ((await latest.count()) > 0) await latest.click();
    await messageAction(desk, "Rule two: no spam", "Delete");
    await menu(desk).getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => pinnedBar(phone).count()).toBe(0);
    await expect.poll(() => pinnedBar(desk).count()).toBe(0);
    await phone.context().close();
    await desk.context().close();
  });
});
