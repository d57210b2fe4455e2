// Issue 16: in a group above 1,000 members the server says how many have
// read up to each recent seq (`read_counts`), not who, and the chat shows
// "Seen by 1,234" under one's newest message. The e2e server holds no group
// that large (a thousand registrations take minutes), so the page's socket
// is routed through the test (Playwright's routeWebSocket): every frame
// passes both ways unchanged, and the test adds the `read_counts` frame a
// large group's server sends once the page has read its own message.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { groupByApi, registerByApi, useBrowser } from "./helpers";
import { openAs, openChat, post, type Screen } from "./reading.helpers";

const browser = useBrowser();

/** Routes the chat's socket through the test; `inject` sends a frame to the page as if from the server. */
async function routeChatSocket(page: Page) {
  const sent: { type?: string; seq?: number }[] = [];
  let inject: ((text: string) => void) | null = null;
  await page.routeWebSocket(/\/api\/conversations\/[^/]+\/ws$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (typeof m === "string") sent.push(JSON.parse(m) as { type?: string; seq?: number });
      server.send(m);
    });
    server.onMessage((m) => ws.send(m));
    inject = (text) => ws.send(text);
  });
  return {
    readUpTo: () => Math.max(0, ...sent.filter((f) => f.type === "read").map((f) => f.seq ?? 0)),
    inject: (frame: unknown) => inject?.(JSON.stringify(frame)),
  };
}

const cases: { screen: Screen; locale: string; expected: string }[] = [
  { screen: "desktop", locale: "en-US", expected: "Seen by 1,234" },
  { screen: "phone", locale: "zh-CN", expected: "1,234 人已读" },
];

describe("a large group's receipts", () => {
  for (const { screen, locale, expected } of cases) {
    it(`show how many have seen one's newest message, not who (${screen}, ${locale})`, async () => {
      const amy = await registerByApi("lga", "Amy Large");
      const ben = await registerByApi("lgb", "Ben Large");
      const group = await groupByApi(amy, [ben], "Big group");
      const seq = await post(amy, group.id, "hello, everyone");

      const page = await openAs(browser(), amy, screen, locale);
      const socket = await routeChatSocket(page);
      await openChat(page, group.id);
      // The page reads its own message first, so its own marker is among the 1,235 and left out.
      await expect.poll(() => socket.readUpTo(), { timeout: 15_000 }).toBeGreaterThanOrEqual(seq);
      socket.inject({
        type: "read_counts",
        counts: [
          { seq, count: 1235 },
          { seq: seq + 50, count: 3 },
        ],
      });
      await page.getByText(expected, { exact: true }).waitFor();
      // A per-member receipt of someone else no longer names anyone once counts are in.
      socket.inject({ type: "receipt", userId: ben.auth.user.id, seq });
      expect(
        await page
          .getByText("Ben Large", { exact: false })
          .filter({ hasText: /Seen|已读/ })
          .count(),
      ).toBe(0);
      await page.context().close();
    });
  }
});
