// Issue 15, defects 1, 4, 6 and the tab title of 9: notices stay clear of the
// composer, follow deletes, friend requests show outside Contacts, and the
// tab title carries the unread count.
import { randomUUID } from "node:crypto";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  type ApiPerson,
  apiCall,
  BASE_URL,
  befriendByApi,
  expectLive,
  registerByApi,
  sendByApi,
  signIn,
  useBrowser,
} from "./helpers";

const browser = useBrowser();
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/** Sends one change frame (edit, delete...) on a conversation socket from Node, and waits for its ack. */
async function changeBySocket(who: ApiPerson, conversationId: string, frame: Record<string, unknown>): Promise<void> {
  const url = `${BASE_URL.replace(/^http/, "ws")}/api/conversations/${conversationId}/ws`;
  const ws = new WebSocket(url, ["imsys.v1", `bearer.${who.auth.accessToken}`]);
  const clientId = randomUUID();
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => ws.send(JSON.stringify({ type: "hello", lastSeq: 1_000_000 }));
    ws.onmessage = (e) => {
      const data: unknown = JSON.parse(String(e.data));
      if (typeof data !== "object" || data === null || !("type" in data)) return;
      if (data.type === "welcome") ws.send(JSON.stringify({ ...frame, clientId }));
      if (data.type === "ack") resolve();
      if (data.type === "error") reject(new Error(JSON.stringify(data)));
    };
    ws.onerror = () => reject(new Error("socket failed"));
  });
  ws.close();
}

/** The newest message not deleted yet. */
async function lastSeqOf(who: ApiPerson, conversationId: string): Promise<number> {
  const { messages } = await apiCall<{ messages: { seq: number; deleted?: boolean }[] }>(
    `/api/conversations/${conversationId}/messages?limit=10`,
    { token: who.auth.accessToken },
  );
  const seq = messages.find((m) => !m.deleted)?.seq;
  if (seq === undefined) throw new Error("no message");
  return seq;
}

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function boxOf(l: Locator): Promise<Box> {
  const box = await l.boundingBox();
  if (!box) throw new Error("not on screen");
  return box;
}

/** The composer's parts: none may sit under a notice. */
const composerParts = (page: Page) => [
  page.getByRole("textbox", { name: "Message" }),
  page.getByRole("button", { name: "Send" }),
  page.getByRole("button", { name: "Attach a file" }),
];

describe("notices", () => {
  for (const [name, viewport] of [
    ["phone", PHONE],
    ["desktop", DESKTOP],
  ] as const) {
    it(`never cover the composer (${name}), and not for the chat already open`, async () => {
      const amy = await registerByApi("nam", "Amy Notice");
      const ben = await registerByApi("nbe", "Ben Notice");
      const cat = await registerByApi("nca", "Cat Notice");
      const withAmy = await befriendByApi(amy, ben);
      const withCat = await befriendByApi(cat, ben);
      const page = await signIn(browser(), ben.username, ben.password, { viewport });
      await page.goto(`/c/${withCat.id}`);
      await expectLive(page);

      // A message in the open chat: no notice for it.
      await sendByApi(cat, withCat.id, "in the open chat");
      await page.getByRole("list", { name: "Messages" }).getByText("in the open chat").waitFor();
      await sendByApi(amy, withAmy.id, "elsewhere");
      const notice = page.locator(".notice").filter({ hasText: "Amy Notice" });
      await notice.waitFor();
      expect(await page.locator(".notice").filter({ hasText: "Cat Notice" }).count()).toBe(0);

      // Send shows once there is text (the empty composer offers the microphone in its place).
      await page.getByRole("textbox", { name: "Message" }).fill("a draft");
      const box = await boxOf(notice);
      for (const part of composerParts(page)) expect(overlaps(box, await boxOf(part))).toBe(false);
      // Dismissible in one step.
      await notice.getByRole("button", { name: "Dismiss" }).click();
      await expect.poll(() => notice.count()).toBe(0);
      await page.context().close();
    });
  }

  it("drop a deleted message: no unread badge, no text in the notice, also after a reload", async () => {
    const amy = await registerByApi("dam", "Amy Deleter");
    const ben = await registerByApi("dbe", "Ben Reader");
    const dm = await befriendByApi(amy, ben);
    await sendByApi(amy, dm.id, "an older hello");
    const page = await signIn(browser(), ben.username, ben.password, { viewport: DESKTOP });
    const row = page.getByRole("list", { name: "Conversations" }).getByRole("listitem").filter({ hasText: "Amy" });
    await row.getByTestId("unread").getByText("1").waitFor();
    // The tab title carries the unread count.
    await expect.poll(() => page.title()).toBe("(1) IMSystem");

    await sendByApi(amy, dm.id, "oops, wrong chat");
    await row.getByTestId("unread").getByText("2").waitFor();
    const notice = page.locator(".notice").filter({ hasText: "Amy Deleter" });
    await notice.getByText("oops, wrong chat").waitFor();
    await expect.poll(() => page.title()).toBe("(2) IMSystem");

    await changeBySocket(amy, dm.id, { type: "delete", target: await lastSeqOf(amy, dm.id) });
    await row.getByTestId("unread").getByText("1").waitFor();
    await expect.poll(() => page.locator(".notices").textContent()).not.toContain("oops, wrong chat");
    await row.getByText("an older hello").waitFor();
    await expect.poll(() => page.title()).toBe("(1) IMSystem");

    await changeBySocket(amy, dm.id, { type: "delete", target: await lastSeqOf(amy, dm.id) });
    await expect.poll(() => row.getByTestId("unread").count()).toBe(0);
    await page.reload();
    await row.waitFor();
    expect(await row.getByTestId("unread").count()).toBe(0);
    expect(await row.textContent()).not.toContain("an older hello");
    await expect.poll(() => page.title()).toBe("IMSystem");
    await page.context().close();
  });
});

describe("friend requests outside Contacts", () => {
  it("badge the Contacts link and raise a notice when one arrives", async () => {
    const dan = await registerByApi("rda", "Dan Asker");
    const eve = await registerByApi("rev", "Eve Asked");
    const page = await signIn(browser(), eve.username, eve.password, { viewport: PHONE });
    const contacts = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: /Contacts/ });
    await contacts.waitFor();
    expect(await contacts.getByTestId("requests-badge").count()).toBe(0);

    await apiCall("/api/friends/requests", {
      token: dan.auth.accessToken,
      body: { userId: eve.auth.user.id, message: "we met at the fair" },
    });
    await contacts.getByTestId("requests-badge").getByText("1", { exact: true }).waitFor();
    expect(await contacts.textContent()).toContain("friend requests waiting: 1");
    const notice = page.locator(".notice").filter({ hasText: "Dan Asker" });
    await notice.waitFor();
    // The notice leads to the request; accepting it clears the badge.
    await notice.getByRole("button", { name: "Open" }).click();
    await page.getByRole("heading", { name: "Contacts", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Accept" }).click();
    await expect.poll(() => contacts.getByTestId("requests-badge").count()).toBe(0);
    // Still there after a reload (it is the server's list, not a counter in memory).
    await apiCall("/api/friends/requests", {
      token: (await registerByApi("rfi", "Fin Asker")).auth.accessToken,
      body: { userId: eve.auth.user.id },
    });
    await contacts.getByTestId("requests-badge").getByText("1", { exact: true }).waitFor();
    await page.reload();
    await contacts.getByTestId("requests-badge").getByText("1", { exact: true }).waitFor();
    await page.context().close();
  });
});
