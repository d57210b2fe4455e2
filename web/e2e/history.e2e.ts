// Long histories: the chat shows the newest page (virtualised: only what is
// on screen is in the DOM) and pages older ones on demand.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  apiCall,
  befriendByApi,
  expectLive,
  expectMessage,
  messages,
  registerByApi,
  signIn,
  useBrowser,
} from "./helpers";
import { scrollListToTop } from "./reading.helpers";

const browser = useBrowser();

/** Numbers of the rendered "history message N" rows, top to bottom. */
async function renderedNumbers(page: Page): Promise<number[]> {
  const texts = await messages(page).locator(".text").allTextContents();
  return texts.map((t) => Number(t.replace("history message ", "")));
}

const consecutive = (xs: number[]) => xs.every((x, i) => i === 0 || x === (xs[i - 1] ?? 0) + 1);

describe("chat history", () => {
  it("shows the newest 50 messages in order, virtualised, and loads older ones on request", async () => {
    const dan = await registerByApi("dan");
    const eve = await registerByApi("eve");
    const conversation = await befriendByApi(dan, eve);

    // 60 messages, alternating senders (each stays inside its send burst).
    for (let i = 0; i < 60; i += 1) {
      const who = i % 2 === 0 ? dan : eve;
      await apiCall(`/api/conversations/${conversation.id}/messages`, {
        token: who.auth.accessToken,
        body: { clientId: `h${i}`, kind: "text", text: `history message ${i + 1}` },
      });
    }

    const page = await signIn(browser(), dan.username, dan.password);
    await page.goto(`/c/${conversation.id}`);
    await expectLive(page);
    await expectMessage(page, "history message 60");
    // Virtualised: fewer rows than messages in the DOM, but always a consecutive run.
    const atBottom = await renderedNumbers(page);
    expect(atBottom.at(-1)).toBe(60);
    expect(atBottom.length).toBeLessThan(50);
    expect(consecutive(atBottom)).toBe(true);

    // The oldest of the first page is 11.
    await expect
      .poll(async () => {
        await scrollListToTop(page);
        return (await renderedNumbers(page))[0];
      })
      .toBe(11);

    await page.getByRole("button", { name: "Load older messages" }).click();
    await expect
      .poll(async () => {
        await scrollListToTop(page);
        return (await renderedNumbers(page))[0];
      })
      .toBe(1);
    expect(consecutive(await renderedNumbers(page))).toBe(true);
    // Everything is loaded: no more paging offered.
    await expect.poll(() => page.getByRole("button", { name: "Load older messages" }).count()).toBe(0);
    await page.context().close();
  });
});
