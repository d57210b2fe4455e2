// Issue 15, defects 7, 8 and part of 9: forms check the contract's rules as
// you type and show the server's reason; Chinese mode leaves no English
// behind (errors by code, Intl times, no mm/dd/yyyy picker, a language switch
// before signing in); a refused search clears stale results.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  axeViolations,
  BASE_URL,
  befriendByApi,
  registerByApi,
  sendByApi,
  signInOn,
  uniqueUsername,
  useBrowser,
} from "./helpers";

const browser = useBrowser();
const LATIN = /[A-Za-z]/;

async function open(locale: string): Promise<Page> {
  const context = await browser().newContext({ baseURL: BASE_URL, locale, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto("/");
  return page;
}

describe("the sign-up form", () => {
  it("checks the contract's rules as you type and shows the server's reason", async () => {
    const page = await open("en-US");
    await page.getByRole("button", { name: "Create an account" }).click();
    const username = page.getByLabel("Username");
    const password = page.getByLabel("Password");

    await username.fill("Alice Smith");
    await expect.poll(() => username.getAttribute("aria-invalid")).toBe("true");
    const hint = page.locator(`#${await username.getAttribute("aria-describedby")}`);
    expect(await hint.textContent()).toContain("3–32");
    expect(await hint.textContent()).not.toContain("invalid json");
    await username.fill("alice_smith.2");
    await expect.poll(() => username.getAttribute("aria-invalid")).toBe("false");

    await password.fill("short");
    await expect.poll(() => password.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator(`#${await password.getAttribute("aria-describedby")}`).textContent()).toContain("8");
    expect(await axeViolations(page)).toEqual([]);

    // A rule the client cannot check (the name is taken): the server's reason, in words.
    const taken = await registerByApi("tkn");
    await username.fill(taken.username);
    await password.fill("long enough password");
    await page.getByRole("button", { name: "Create account", exact: true }).click();
    await page.getByRole("alert").getByText("This username is taken.").waitFor();
    await page.context().close();
  });
});

describe("Chinese mode", () => {
  it("translates errors by code, switches language before sign-in, and formats times with Intl", async () => {
    const amy = await registerByApi("zam", "Amy");
    const ben = await registerByApi("zbe", "Ben");
    const dm = await befriendByApi(amy, ben);
    await sendByApi(amy, dm.id, "hello there");

    // An English browser, Chinese chosen in the app: the browser's locale must not leak through.
    const page = await open("en-US");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    // The language switch is on the sign-in page.
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByRole("heading", { name: "登录" }).waitFor();
    await page.getByLabel("语言").selectOption("en");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByRole("heading", { name: "登录" }).waitFor();

    await page.locator('input[name="username"]').fill(ben.username);
    await page.locator('input[name="password"]').fill("not the password");
    await page.locator('button[type="submit"]').click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/用户名或密码/);
    expect(await alert.textContent()).not.toMatch(LATIN);

    await signInOn(page, ben.username, ben.password);
    const time = page.getByRole("list", { name: "会话" }).locator("time").first();
    await time.waitFor();
    expect(await time.textContent()).not.toMatch(/AM|PM/);
    expect(await time.textContent()).toMatch(/^\d{2}:\d{2}$/);

    await page.goto(`/c/${dm.id}`);
    await page.getByRole("status", { name: /已连接/ }).waitFor();
    await page.getByRole("button", { name: "搜索" }).click();
    // No mm/dd/yyyy: the jump-to-date control is not the browser's date input in Chinese.
    expect(await page.locator('input[type="date"]').count()).toBe(0);
    await page.getByLabel("年").waitFor();

    const box = page.getByRole("searchbox", { name: "搜索消息" });
    await box.fill("hello");
    await page.getByRole("button", { name: "搜索", exact: true }).last().click();
    const results = page.getByRole("list", { name: "消息搜索结果" });
    await results.waitFor();
    // Emoji alone are not searchable: a translated reason, no parameter name, no stale results.
    await box.fill("😀");
    await page.getByRole("button", { name: "搜索", exact: true }).last().click();
    const refused = page.locator(".search-panel").getByRole("alert");
    await refused.waitFor();
    expect(await refused.textContent()).not.toMatch(LATIN);
    expect(await results.count()).toBe(0);
    await page.context().close();
  });

  it("shows a registration refusal in Chinese, never the server's English", async () => {
    const page = await open("zh-CN");
    await page.getByRole("button", { name: "创建账号" }).click();
    await page.locator('input[name="username"]').fill(uniqueUsername("zh"));
    await page.locator('input[name="password"]').fill("1234567");
    await expect.poll(() => page.locator('input[name="password"]').getAttribute("aria-invalid")).toBe("true");
    const hint = page.locator(`#${await page.locator('input[name="password"]').getAttribute("aria-describedby")}`);
    expect(await hint.textContent()).not.toMatch(LATIN);
    await page.context().close();
  });
});
