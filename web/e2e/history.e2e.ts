// Long histories: the chat shows the newest page and pages older ones on demand.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthResult, Conversation } from "../../worker/protocol";
import { apiCall, expectLive, expectMessage, launchBrowser, messages, signIn, uniqueUsername } from "./helpers";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function registerByApi(prefix: string) {
  const username = uniqueUsername(prefix);
  const password = `pw-${crypto.randomUUID()}`;
  const auth = await apiCall<AuthResult>("/api/auth/register", { body: { username, password } });
  return { username, password, auth };
}

describe("chat history", () => {
  it("shows the newest 50 messages, oldest first, and loads older ones on request", async () => {
    const dan = await registerByApi("dan");
    const eve = await registerByApi("eve");
    const sent = await apiCall<{ request: { id: string } }>("/api/friends/requests", {
      token: dan.auth.accessToken,
      body: { userId: eve.auth.user.id },
    });
    await apiCall(`/api/friends/requests/${sent.request.id}/accept`, { method: "POST", token: eve.auth.accessToken });
    const { conversation } = await apiCall<{ conversation: Conversation }>("/api/conversations", {
      token: dan.auth.accessToken,
      body: { kind: "dm", userId: eve.auth.user.id },
    });

    // 60 messages, alternating senders (each stays inside its send burst).
    const texts = Array.from({ length: 60 }, (_, i) => `history message ${i + 1}`);
    for (const [i, text] of texts.entries()) {
      const token = i % 2 === 0 ? dan.auth.accessToken : eve.auth.accessToken;
      await apiCall(`/api/conversations/${conversation.id}/messages`, {
        token,
        body: { clientId: `h${i}`, kind: "text", text },
      });
    }

    const page = await signIn(browser, dan.username, dan.password);
    await page.goto(`/c/${conversation.id}`);
    await expectLive(page);
    await expectMessage(page, "history message 60");
    const items = messages(page).getByRole("listitem");
    await expect.poll(() => items.count()).toBe(50);
    expect(await items.first().textContent()).toContain("history message 11");

    await page.getByRole("button", { name: "Load older messages" }).click();
    await expect.poll(() => items.count()).toBe(60);
    // Exactly the sent texts, in send order (text nodes only, never markup).
    expect(await messages(page).locator(".text").allTextContents()).toEqual(texts);
    // Everything is loaded: no more paging offered.
    expect(await page.getByRole("button", { name: "Load older messages" }).count()).toBe(0);
    await page.context().close();
  });
});
