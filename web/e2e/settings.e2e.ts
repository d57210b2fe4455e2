// Settings and keyboard use: the language and theme switches persist, and the
// conversation list and the messages are walked with the arrow keys.
import { describe, expect, it } from "vitest";
import {
  befriendByApi,
  expectLive,
  expectMessage,
  registerByApi,
  sendByApi,
  signIn,
  useBrowser,
  watchCsp,
} from "./helpers";

const browser = useBrowser();

describe("settings and keyboard", () => {
  it("switches to Chinese and dark, and keeps both across a reload", async () => {
    const max = await registerByApi("max", "Max");
    const page = await signIn(browser(), max.username, max.password);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("Language").selectOption("zh-CN");
    const nav = page.getByRole("navigation", { name: "主导航" });
    await nav.getByRole("link", { name: "聊天" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    await page.getByRole("radio", { name: "深色" }).check();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");

    await page.reload();
    await nav.getByRole("link", { name: "设置" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    // The pinned theme wins over the (light) system preference: the dark palette is in use.
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    expect(await background()).toBe("rgb(11, 18, 32)");
    await page.getByRole("radio", { name: "浅色" }).check();
    expect(await background()).toBe("rgb(255, 255, 255)");
    await page.getByLabel("语言").selectOption("en");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Chats" }).waitFor();
    await page.context().close();
  });

  it("moves through conversations and messages with the arrow keys", async () => {
    const ned = await registerByApi("ned", "Ned");
    const ola = await registerByApi("ola", "Ola");
    const pia = await registerByApi("pia", "Pia");
    const withOla = await befriendByApi(ned, ola);
    await befriendByApi(ned, pia);
    await sendByApi(ola, withOla.id, "first");
    await sendByApi(ola, withOla.id, "second");

    const page = await signIn(browser(), ned.username, ned.password);
    const list = page.getByRole("list", { name: "Conversations" });
    await expect.poll(() => list.getByRole("link").count()).toBe(2);
    // One tab stop for the whole list; the arrows move it.
    await list.getByRole("link").first().focus();
    const focusedText = () => page.evaluate(() => document.activeElement?.textContent ?? "");
    expect(await focusedText()).toContain("Ola");
    await page.keyboard.press("ArrowDown");
    expect(await focusedText()).toContain("Pia");
    await page.keyboard.press("ArrowUp");
    expect(await focusedText()).toContain("Ola");
    await page.keyboard.press("Enter");
    await expectMessage(page, "second");

    await page.locator("[data-message][tabindex='0']").focus();
    expect(await focusedText()).toContain("second");
    await page.keyboard.press("ArrowUp");
    expect(await focusedText()).toContain("first");
    await page.context().close();
  });

  it("inserts an emoji from the lazily loaded picker, from our origin, with no CSP violation", async () => {
    const quinn = await registerByApi("quinn", "Quinn");
    const rosa = await registerByApi("rosa", "Rosa");
    const conversation = await befriendByApi(quinn, rosa);
    const page = await signIn(browser(), quinn.username, quinn.password);
    const cspViolations = await watchCsp(page);
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`/c/${conversation.id}`);
    await expectLive(page);
    await page.getByRole("button", { name: "Insert emoji" }).click();
    const firstEmoji = page.getByRole("toolbar", { name: "Emoji" }).getByRole("button").first();
    await firstEmoji.waitFor();
    const emoji = (await firstEmoji.textContent())?.trim() ?? "";
    expect(emoji.length).toBeGreaterThan(0);
    await firstEmoji.click();
    const box = page.getByRole("textbox", { name: "Message" });
    await expect.poll(() => box.inputValue()).toBe(emoji);
    await box.press("Enter");
    await expectMessage(page, emoji);
    expect(requests.every((url) => url.startsWith(new URL(page.url()).origin))).toBe(true);
    expect(await cspViolations()).toEqual([]);
    await page.context().close();
  });
});
