// The inbox socket in the browser: presence and unread badges change live on
// the conversation list, and a message elsewhere raises an in-app notice.
import { describe, expect, it } from "vitest";
import { befriendByApi, expectMessage, registerByApi, sendByApi, signIn, useBrowser } from "./helpers";

const browser = useBrowser();

describe("the conversation list, live from the inbox socket", () => {
  it("shows a friend coming online, an unread badge without a reload, and clears it on opening", async () => {
    const amy = await registerByApi("amy", "Amy Writer");
    const ben = await registerByApi("ben", "Ben Reader");
    const conversation = await befriendByApi(amy, ben);

    const benPage = await signIn(browser(), ben.username, ben.password);
    const row = benPage
      .getByRole("list", { name: "Conversations" })
      .getByRole("listitem")
      .filter({ hasText: "Amy Writer" });
    await row.waitFor();
    // Amy has no inbox socket open: offline.
    await row.locator('[data-presence="offline"]').waitFor();
    expect(await row.getByTestId("unread").count()).toBe(0);

    // Amy opens the app: Ben sees her come online, no reload.
    const amyPage = await signIn(browser(), amy.username, amy.password);
    await row.locator('[data-presence="online"]').waitFor();

    // Amy writes: the badge appears live, with the preview, and a notice offers to open it.
    await sendByApi(amy, conversation.id, "are you there, Ben?");
    await row.getByTestId("unread").getByText("1").waitFor();
    await row.getByText("are you there, Ben?").waitFor();
    await benPage.locator(".notice").filter({ hasText: "Amy Writer" }).waitFor();
    await sendByApi(amy, conversation.id, "hello?");
    await row.getByText("2 unread").waitFor();

    // Opening the conversation reads it: the badge goes, and stays gone.
    await row.getByRole("link").click();
    await expectMessage(benPage, "hello?");
    await expect.poll(() => row.getByTestId("unread").count()).toBe(0);
    await benPage.reload();
    await expectMessage(benPage, "hello?");
    await row.waitFor();
    expect(await row.getByTestId("unread").count()).toBe(0);

    // Amy leaves: she goes offline for Ben.
    await amyPage.context().close();
    await row.locator('[data-presence="offline"]').waitFor({ timeout: 30_000 });
    await benPage.context().close();
  });
});
