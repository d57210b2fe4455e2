// Three people in a group: creating it from friends, replies, an edit, a
// reaction and "seen by" arriving live, roles in the group's info page, and
// search (and jump to a date) bringing back a message far up the history.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  type ApiPerson,
  apiCall,
  befriendByApi,
  expectLive,
  expectMessage,
  groupByApi,
  messageAction,
  messages,
  messageWith,
  registerByApi,
  sendMessage,
  signIn,
  useBrowser,
  watchCsp,
} from "./helpers";

const browser = useBrowser();

/** Sends a text over REST, waiting out the per-user rate limit (the clientId makes a retry safe). */
async function post(who: ApiPerson, conversationId: string, clientId: string, text: string): Promise<void> {
  for (;;) {
    try {
      await apiCall(`/api/conversations/${conversationId}/messages`, {
        token: who.auth.accessToken,
        body: { clientId, kind: "text", text },
      });
      return;
    } catch (err) {
      if (!String(err).includes(" 429 ")) throw err;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

async function openChat(page: Page, title: string): Promise<void> {
  await page
    .getByRole("list", { name: "Conversations" })
    .getByRole("link", { name: new RegExp(title) })
    .click();
  await page.getByRole("heading", { name: title, level: 1 }).waitFor();
  await expectLive(page);
}

describe("groups in the browser", () => {
  it("creates a group from friends; replies, edits, reactions and seen-by reach everyone live", async () => {
    const ann = await registerByApi("ann", "Ann Owner");
    const bo = await registerByApi("bo", "Bo Second");
    const cy = await registerByApi("cy", "Cy Third");
    await befriendByApi(ann, bo);
    await befriendByApi(ann, cy);

    const annPage = await signIn(browser(), ann.username, ann.password);
    const csp = await watchCsp(annPage);
    await annPage.reload();
    await annPage.getByRole("button", { name: "New chat" }).click();
    await annPage.getByRole("dialog", { name: "New chat" }).getByRole("link", { name: "New group" }).click();
    await annPage.getByRole("heading", { name: "New group", level: 1 }).waitFor();
    await annPage.getByLabel("Group name").fill("Climbing crew");
    await annPage.getByRole("checkbox", { name: /Bo Second/ }).check();
    await annPage.getByRole("checkbox", { name: /Cy Third/ }).check();
    await annPage.getByRole("button", { name: "Create group" }).click();
    await annPage.getByRole("heading", { name: "Climbing crew", level: 1 }).waitFor();
    await expectLive(annPage);

    // The others see the new group in their lists and open it.
    const boPage = await signIn(browser(), bo.username, bo.password);
    const cyPage = await signIn(browser(), cy.username, cy.password);
    await openChat(boPage, "Climbing crew");
    await openChat(cyPage, "Climbing crew");

    await sendMessage(annPage, "Who is coming on Saturday?");
    await expectMessage(boPage, "Who is coming on Saturday?");
    await expectMessage(cyPage, "Who is coming on Saturday?");

    // Bo replies: the quote of Ann's message travels with it.
    await messageAction(boPage, "Who is coming on Saturday?", "Reply");
    await boPage.getByText("Replying to Ann Owner").waitFor();
    await sendMessage(boPage, "Count me in");
    for (const [page, author] of [
      [annPage, "You"],
      [cyPage, "Ann Owner"],
    ] as const) {
      const reply = messageWith(page, "Count me in");
      await reply.getByRole("button", { name: new RegExp(`In reply to ${author}`) }).waitFor();
      expect(await reply.textContent()).toContain("Who is coming on Saturday?");
    }

    // Ann edits her question; the others see the new text, marked edited.
    await messageAction(annPage, "Who is coming on Saturday?", "Edit");
    await annPage.getByText("Editing your message").waitFor();
    const box = annPage.getByRole("textbox", { name: "Message" });
    await expect.poll(() => box.inputValue()).toBe("Who is coming on Saturday?");
    await box.fill("Who is coming on Sunday?");
    await box.press("Enter");
    for (const page of [boPage, cyPage]) {
      await messageWith(page, "Who is coming on Sunday?").waitFor();
      expect(await messageWith(page, "Who is coming on Sunday?").textContent()).toContain("(edited)");
      await expect.poll(() => messages(page).getByText("Who is coming on Saturday?", { exact: true }).count()).toBe(0);
    }

    // Cy reacts; Ann and Bo see the count and who it was.
    await messageAction(cyPage, "Count me in", "React with 👍");
    for (const page of [annPage, boPage]) {
      await messageWith(page, "Count me in").getByRole("button", { name: "👍 1: Cy Third" }).waitFor();
    }
    await messageWith(cyPage, "Count me in").getByRole("button", { name: "👍 1: You", pressed: true }).waitFor();

    // Seen by: both others have the chat open, so Ann's newest message is read by both.
    await sendMessage(annPage, "See you there");
    await expectMessage(boPage, "See you there");
    await expectMessage(cyPage, "See you there");
    const seen = messageWith(annPage, "See you there").locator(".seen");
    await expect.poll(() => seen.textContent()).toMatch(/^Seen by (Bo Second, Cy Third|Cy Third, Bo Second)$/);

    // Typing shows on the others' screens (announces are throttled: keep typing until it does).
    const boBox = boPage.getByRole("textbox", { name: "Message" });
    const typing = annPage.getByText("Bo Second is typing…");
    await expect
      .poll(
        async () => {
          await boBox.press("x");
          return typing.isVisible();
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe(true);

    // Bo deletes his reply (after confirming); everyone sees it gone.
    await messageAction(boPage, "Count me in", "Delete");
    await boPage
      .getByRole("group", { name: "Message actions" })
      .getByRole("button", { name: "Delete", exact: true })
      .click();
    for (const page of [annPage, boPage, cyPage]) {
      await messages(page).getByText("Message deleted").waitFor();
      await expect.poll(() => messageWith(page, "Count me in").count()).toBe(0);
    }

    // Group info: Ann (owner) makes Bo an admin; Bo may remove Cy but not change roles; Cy can do neither.
    await annPage.getByRole("link", { name: "Group info" }).click();
    const annMembers = annPage.getByRole("list", { name: "Members (3)" });
    await annMembers
      .getByRole("listitem")
      .filter({ hasText: "Ann Owner" })
      .locator(".role", { hasText: /^Owner$/ })
      .waitFor();
    await annPage.getByRole("button", { name: "Make Bo Second an admin" }).click();
    await annMembers
      .getByRole("listitem")
      .filter({ hasText: "Bo Second" })
      .locator(".role", { hasText: /^Admin$/ })
      .waitFor();
    await annPage.getByRole("button", { name: "Remove Bo Second as admin" }).waitFor();

    await boPage.getByRole("link", { name: "Group info" }).click();
    await boPage.getByRole("list", { name: "Members (3)" }).waitFor();
    await boPage.getByRole("button", { name: "Remove Cy Third" }).waitFor();
    expect(await boPage.getByRole("button", { name: /Remove Ann Owner/ }).count()).toBe(0);
    expect(await boPage.getByRole("button", { name: /admin/ }).count()).toBe(0);

    await cyPage.getByRole("link", { name: "Group info" }).click();
    await cyPage.getByRole("list", { name: "Members (3)" }).waitFor();
    expect(await cyPage.getByRole("button", { name: /^Remove|admin/ }).count()).toBe(0);
    await cyPage.getByRole("button", { name: "Leave group" }).waitFor();

    // Ann renames the group; the chat title follows.
    await annPage.getByLabel("Group name").fill("Crag crew");
    await annPage.getByRole("button", { name: "Rename" }).click();
    await annPage.getByRole("heading", { name: "Group info: Crag crew", level: 1 }).waitFor();

    expect(await csp()).toEqual([]);
    for (const page of [annPage, boPage, cyPage]) await page.context().close();
  });

  it("finds a message far up the history by search or by date and jumps to it", async () => {
    const dee = await registerByApi("dee", "Dee Finder");
    const eli = await registerByApi("eli", "Eli Writer");
    const fay = await registerByApi("fay", "Fay Writer");
    const group = await groupByApi(dee, [eli, fay], "Long history");
    await post(eli, group.id, "m0", "The pineapple plan: 周六去爬山");
    // 70 more, so the first page (50) does not hold it.
    for (let i = 1; i <= 70; i += 1) await post(i % 2 === 0 ? eli : fay, group.id, `m${i}`, `filler message ${i}`);

    const page = await signIn(browser(), dee.username, dee.password);
    const csp = await watchCsp(page);
    await page.goto(`/c/${group.id}`);
    await expectLive(page);
    await expectMessage(page, "filler message 70");
    expect(await messages(page).getByText("The pineapple plan: 周六去爬山").count()).toBe(0);

    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("searchbox", { name: "Search messages" }).fill("pineapple");
    await page.getByRole("button", { name: "Search", exact: true }).last().click();
    const results = page.getByRole("list", { name: "Message search results" });
    const hit = results.getByRole("button", { name: /pineapple/ });
    await hit.waitFor();
    // The matched word is a <mark> around a text node, never markup from the message.
    expect(await hit.locator("mark").allTextContents()).toEqual(["pineapple"]);
    await hit.click();
    const target = messageWith(page, "The pineapple plan: 周六去爬山");
    await target.waitFor();
    await expect.poll(() => target.getAttribute("class")).toContain("highlighted");
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent ?? "")).toContain("pineapple");

    // Chinese words are found too.
    await page.getByRole("searchbox", { name: "Search messages" }).fill("爬山");
    await page.getByRole("button", { name: "Search", exact: true }).last().click();
    await expect.poll(() => results.locator("mark").allTextContents()).toEqual(["爬山"]);

    // Jump to today's date: its first message is the same one, highlighted again.
    await expect.poll(() => target.getAttribute("class"), { timeout: 10_000 }).not.toContain("highlighted");
    const today = await page.evaluate(() => {
      const d = new Date();
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    });
    await page.getByLabel("Jump to date").fill(today);
    await page.getByRole("button", { name: "Go" }).click();
    await target.waitFor();
    await expect.poll(() => target.getAttribute("class")).toContain("highlighted");

    expect(await csp()).toEqual([]);
    await page.context().close();
  });

  it("shows a message far beyond a page in a window of its own and returns to the latest", async () => {
    const gil = await registerByApi("gil", "Gil Reader");
    const writers = await Promise.all(["w1", "w2", "w3", "w4"].map((p) => registerByApi(p, `Writer ${p}`)));
    const [first] = writers;
    if (!first) throw new Error("no writers");
    const group = await groupByApi(gil, writers, "Very long history");
    await post(first, group.id, "old", "An old needle in the haystack");
    // 240 more from four writers at once: more than a page (200) between it and the newest.
    await Promise.all(
      writers.map(async (w, k) => {
        for (let i = 0; i < 60; i += 1) await post(w, group.id, `f${k}-${i}`, `hay ${k}-${i}`);
      }),
    );
    await post(first, group.id, "newest", "The newest straw");

    const page = await signIn(browser(), gil.username, gil.password);
    await page.goto(`/c/${group.id}`);
    await expectLive(page);
    await expectMessage(page, "The newest straw");

    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("searchbox", { name: "Search messages" }).fill("needle");
    await page.getByRole("button", { name: "Search", exact: true }).last().click();
    await page
      .getByRole("list", { name: "Message search results" })
      .getByRole("button", { name: /needle/ })
      .click();
    const target = messageWith(page, "An old needle in the haystack");
    await target.waitFor();
    await expect.poll(() => target.getAttribute("class")).toContain("highlighted");
    const back = page.getByRole("button", { name: "Back to the latest messages" });
    await back.waitFor();

    // While the window is shown, a new message goes to the hidden live end, not under the window.
    await post(first, group.id, "live", "Arrived while reading old news");
    // The inbox shows it has arrived (its preview in the list) …
    await page.getByRole("list", { name: "Conversations" }).getByText("Arrived while reading old news").waitFor();
    // … and the chat socket, too, has had time to deliver it: still not in the window.
    await page.waitForTimeout(500);
    expect(await messages(page).getByText("Arrived while reading old news").count()).toBe(0);

    await back.click();
    await expectMessage(page, "Arrived while reading old news");
    await expect.poll(() => back.count()).toBe(0);
    await page.context().close();
  });
});
