// Issue 17, global search and New chat: the search box above the chat list
// finds a message in another chat and opens that chat at the message; New
// chat opens a DM with a friend. Phone and desktop.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  type ApiPerson,
  apiCall,
  befriendByApi,
  expectLive,
  messages,
  messageWith,
  registerByApi,
  sendByApi,
  signIn,
  useBrowser,
} from "./helpers";
import { isOnScreen, post } from "./reading.helpers";

const browser = useBrowser();
const SIZES = [
  ["phone", { width: 390, height: 844 }],
  ["desktop", { width: 1280, height: 800 }],
] as const;

/** Friends without a DM yet (befriendByApi opens one). */
async function befriendOnly(a: ApiPerson, b: ApiPerson): Promise<void> {
  const sent = await apiCall<{ request: { id: string } }>("/api/friends/requests", {
    token: a.auth.accessToken,
    body: { userId: b.auth.user.id },
  });
  await apiCall(`/api/friends/requests/${sent.request.id}/accept`, { method: "POST", token: b.auth.accessToken });
}

/** The seq of the message the keyboard focus is on (a jump moves the focus to its target). */
const focusedSeq = (page: Page) =>
  page.evaluate(() => document.activeElement?.closest("[data-message]")?.getAttribute("data-message") ?? null);

describe("global search", () => {
  for (const [size, viewport] of SIZES) {
    it(`finds a message in another chat and opens that chat at the message (${size})`, async () => {
      const ann = await registerByApi("gsa", "Ann Searcher");
      const bo = await registerByApi("gsb", "Bo Sender");
      const cy = await registerByApi("gsc", "Cy Other");
      const withBo = await befriendByApi(bo, ann);
      const withCy = await befriendByApi(cy, ann);
      const target = await post(bo, withBo.id, "the rendezvous is at the old quarry");
      // Enough later messages that the target is not in the chat's first page.
      for (let i = 0; i < 60; i++) await post(bo, withBo.id, `later message ${i}`);
      await sendByApi(cy, withCy.id, "something else entirely");

      const page = await signIn(browser(), ann.username, ann.password, { viewport });
      if (size === "desktop") {
        // Beside another open chat: the list and its search stay on screen.
        await page.goto(`/c/${withCy.id}`);
        await expectLive(page);
      }
      const box = page.getByRole("searchbox", { name: "Search chats and people" });
      await box.fill("rendezvous");
      const hits = page.getByRole("list", { name: "Matches in your chats" });
      const hit = hits.getByRole("link").filter({ hasText: "Bo Sender" });
      await hit.getByText("rendezvous", { exact: true }).waitFor();
      expect(await hits.getByRole("link").count()).toBe(1);
      await hit.click();

      await expect.poll(() => new URL(page.url()).pathname).toBe(`/c/${withBo.id}`);
      await messages(page).getByText("the rendezvous is at the old quarry").waitFor();
      const shown = messageWith(page, "the rendezvous is at the old quarry");
      await expect.poll(() => shown.getAttribute("class")).toContain("highlighted");
      await expect.poll(() => isOnScreen(page, "the rendezvous")).toBe(true);
      await expect.poll(() => focusedSeq(page)).toBe(String(target));
      // The newest messages are not what is on screen: the chat opened at the result.
      expect(await isOnScreen(page, "later message 59")).toBe(false);
      await page.context().close();
    });
  }
});

describe("new chat", () => {
  for (const [size, viewport] of SIZES) {
    it(`opens a DM with a friend from the chat list (${size})`, async () => {
      const dee = await registerByApi("ncd", "Dee Starter");
      const eve = await registerByApi("nce", "Eve Friend");
      const fay = await registerByApi("ncf", "Fay Friend");
      await befriendOnly(dee, eve);
      await befriendOnly(dee, fay);

      const page = await signIn(browser(), dee.username, dee.password, { viewport });
      await page.getByRole("button", { name: "New chat" }).click();
      const sheet = page.getByRole("dialog", { name: "New chat" });
      await sheet.getByLabel("Find a friend").fill("eve");
      const friends = sheet.getByRole("list", { name: "Friends" });
      await friends.getByRole("button", { name: /Eve Friend/ }).waitFor();
      expect(await friends.getByRole("button").count()).toBe(1);
      await friends.getByRole("button", { name: /Eve Friend/ }).click();

      await sheet.waitFor({ state: "detached" });
      await expectLive(page);
      const { conversations } = await apiCall<{ conversations: { id: string; peer?: { id: string } }[] }>(
        "/api/conversations",
        { token: dee.auth.accessToken },
      );
      const dm = conversations.find((c) => c.peer?.id === eve.auth.user.id);
      expect(dm).toBeDefined();
      expect(new URL(page.url()).pathname).toBe(`/c/${dm?.id}`);
      await page.getByRole("heading", { name: "Eve Friend", level: 1 }).waitFor();

      // Found again through the search's People: the same DM, not a second one.
      await page.goto("/");
      await page.getByRole("searchbox", { name: "Search chats and people" }).fill("Eve");
      const people = page.getByRole("list", { name: "Matching people" });
      await people.getByRole("button", { name: "Message" }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/c/${dm?.id}`);
      await page.context().close();
    });
  }
});
