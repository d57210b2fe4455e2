// Two people in two browser contexts: sign up, befriend, and chat live in a
// direct conversation; a reload keeps the history and the chat going.
import { describe, expect, it } from "vitest";
import {
  expectLive,
  expectMessage,
  gotoContacts,
  messages,
  type Person,
  registerPerson,
  sendMessage,
  useBrowser,
} from "./helpers";

const browser = useBrowser();

describe("direct messages in the browser", () => {
  it("befriends, chats live both ways, and keeps history across a reload", async () => {
    const alice: Person = await registerPerson(browser(), "alice", "Alice Liddell");
    const bob: Person = await registerPerson(browser(), "bob", "Bob Builder");

    // Alice finds Bob by a prefix of his username and asks to be friends.
    await gotoContacts(alice.page);
    await alice.page.getByLabel("Search by username").fill(bob.username.slice(0, 8));
    const results = alice.page.getByRole("list", { name: "Search results" });
    await results
      .getByRole("listitem")
      .filter({ hasText: bob.username })
      .getByRole("button", { name: "Add friend" })
      .click();
    await alice.page
      .getByRole("list", { name: "Sent" })
      .getByRole("listitem")
      .filter({ hasText: bob.username })
      .waitFor();

    // Bob accepts; both now list each other as friends.
    await gotoContacts(bob.page);
    await bob.page
      .getByRole("list", { name: "Received" })
      .getByRole("listitem")
      .filter({ hasText: alice.username })
      .getByRole("button", { name: "Accept" })
      .click();
    const bobsFriend = bob.page
      .getByRole("list", { name: "Friends" })
      .getByRole("listitem")
      .filter({ hasText: alice.username });
    await bobsFriend.waitFor();

    // Alice opens the DM from her friends list (reloading contacts to see Bob there).
    await alice.page.getByRole("button", { name: "Refresh" }).click();
    await alice.page
      .getByRole("list", { name: "Friends" })
      .getByRole("listitem")
      .filter({ hasText: bob.username })
      .getByRole("button", { name: "Message" })
      .click();
    await alice.page.getByRole("heading", { name: "Bob Builder", level: 1 }).waitFor();
    await expectLive(alice.page);

    // Bob opens the same conversation (creation is idempotent: same URL).
    await bobsFriend.getByRole("button", { name: "Message" }).click();
    await bob.page.getByRole("heading", { name: "Alice Liddell", level: 1 }).waitFor();
    await expectLive(bob.page);
    expect(new URL(bob.page.url()).pathname).toBe(new URL(alice.page.url()).pathname);

    // Live, both ways, without any reload.
    await sendMessage(alice.page, "Hello Bob <b>not bold</b>");
    await expectMessage(bob.page, "Hello Bob <b>not bold</b>");
    await expectMessage(alice.page, "Hello Bob <b>not bold</b>");
    // Text stays text: no element was made from the message.
    expect(await messages(bob.page).locator("b").count()).toBe(0);

    await sendMessage(bob.page, "Hi Alice!");
    await expectMessage(alice.page, "Hi Alice!");
    await expectMessage(bob.page, "Hi Alice!");

    // Each side shows who said what, with its own messages marked as its own.
    const bobsView = messages(bob.page).getByRole("listitem");
    await expect.poll(() => bobsView.count()).toBe(2);
    expect(await bobsView.nth(0).textContent()).toContain("Alice Liddell");
    expect(await bobsView.nth(1).textContent()).toContain("You");
    expect(await bobsView.nth(1).locator(".message").getAttribute("class")).toContain("own");

    // Bob reloads: the history is back, in order, and the chat goes on.
    await bob.page.reload();
    await expectMessage(bob.page, "Hello Bob <b>not bold</b>");
    await expectMessage(bob.page, "Hi Alice!");
    await expect
      .poll(() => messages(bob.page).getByRole("listitem").allTextContents())
      .toEqual([expect.stringContaining("Hello Bob <b>not bold</b>"), expect.stringContaining("Hi Alice!")]);
    await expectLive(bob.page);

    await sendMessage(bob.page, "Still here after a reload");
    await expectMessage(alice.page, "Still here after a reload");
    await sendMessage(alice.page, "Welcome back");
    await expectMessage(bob.page, "Welcome back");

    // Nothing is left pending on either side.
    for (const page of [alice.page, bob.page]) {
      await expect.poll(() => messages(page).getByText("Sending…").count()).toBe(0);
    }

    // The chat list shows the latest message, and unread ones from the other side.
    await alice.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Chats" }).click();
    const entry = alice.page.getByRole("list", { name: "Conversations" }).getByRole("link", { name: /Bob Builder/ });
    await entry.getByText("Welcome back").waitFor();
    await sendMessage(bob.page, "Are you there?");
    await expectMessage(bob.page, "Are you there?");
    await alice.page.reload();
    await entry.getByText("Are you there?").waitFor();
    await entry.getByText("1 unread").waitFor();
    await entry.click();
    await expectMessage(alice.page, "Are you there?");

    await alice.context.close();
    await bob.context.close();
  });

  it("signs out, refuses a wrong password with the server's message, and signs back in", async () => {
    const carol = await registerPerson(browser(), "carol", "Carol");
    const { page } = carol;
    await page.getByRole("button", { name: "Log out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();

    await page.getByLabel("Username").fill(carol.username);
    await page.getByLabel("Password").fill("definitely-wrong");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect((await alert.textContent())?.length).toBeGreaterThan(0);

    await page.getByLabel("Password").fill(carol.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("navigation", { name: "Main" }).getByText("Carol").waitFor();

    // The session survives a reload (refresh token in localStorage, access token renewed).
    await page.reload();
    await page.getByRole("navigation", { name: "Main" }).getByText("Carol").waitFor();
    await carol.context.close();
  });
});
