// Issue 17, profiles and account: an avatar picked on a phone is resized,
// uploaded and shown to the other person (chat list, chat header, and beside
// grouped messages) on a desktop; two-step sign-in turned on from the QR
// screen makes the next sign-in ask for a code.
import { Secret, TOTP } from "otpauth";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { checkAvatarImage } from "../../worker/profile/image-check";
import type { Me } from "../../worker/protocol";
import { avatarPath } from "../../worker/protocol";
import { WEBP_256 } from "../../worker/test/avatar-fixtures";
import {
  apiCall,
  BASE_URL,
  befriendByApi,
  expectLive,
  groupByApi,
  registerByApi,
  sendByApi,
  signIn,
  signInOn,
  useBrowser,
  watchCsp,
} from "./helpers";

const browser = useBrowser();
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

async function openAccount(page: Page): Promise<void> {
  await page.goto("/settings");
  await page.getByRole("link", { name: "Profile and account" }).click();
  await page.getByRole("heading", { name: "Profile and account", level: 1 }).waitFor();
}

/** A 640 x 480 photo-like PNG, drawn by the page itself (so the client has something to shrink). */
async function photo(page: Page): Promise<Buffer> {
  const b64 = await page.evaluate(() => {
    const c = document.createElement("canvas");
    c.width = 640;
    c.height = 480;
    const g = c.getContext("2d") as CanvasRenderingContext2D;
    const grad = g.createLinearGradient(0, 0, 640, 480);
    grad.addColorStop(0, "#0f766e");
    grad.addColorStop(1, "#f59e0b");
    g.fillStyle = grad;
    g.fillRect(0, 0, 640, 480);
    return c.toDataURL("image/png").split(",")[1] ?? "";
  });
  return Buffer.from(b64, "base64");
}

/** The picture element inside `scope`, once it has really loaded. */
async function expectPicture(page: Page, selector: string): Promise<void> {
  const img = page.locator(`${selector} .avatar-img`).first();
  await img.waitFor();
  await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
}

const code = (secret: string, stepsAhead = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 }).generate({
    timestamp: Date.now() + stepsAhead * 30_000,
  });

describe("profile and account", () => {
  it("an avatar picked on a phone shows in the other person's list and chat header on a desktop", async () => {
    const amy = await registerByApi("ava", "Amy Picture");
    const ben = await registerByApi("avb", "Ben Viewer");
    const dm = await befriendByApi(amy, ben);
    await sendByApi(amy, dm.id, "hi from amy");

    // Before: initials on Amy's colour.
    const desk = await signIn(browser(), ben.username, ben.password, { viewport: DESKTOP });
    const row = desk.getByRole("list", { name: "Conversations" }).getByRole("listitem").filter({ hasText: "Amy" });
    await expect.poll(() => row.locator(".avatar").textContent()).toBe("AP");

    const phone = await signIn(browser(), amy.username, amy.password, { viewport: PHONE });
    const cspOf = await watchCsp(phone);
    await openAccount(phone);
    await phone.getByTestId("avatar-file").setInputFiles({
      name: "me.png",
      mimeType: "image/png",
      buffer: await photo(phone),
    });
    await phone.getByRole("status").filter({ hasText: "Picture saved." }).waitFor();
    await expectPicture(phone, ".account-section");
    await phone.getByRole("button", { name: "Remove picture" }).waitFor();

    // What went up is the client's small square, not the 640 x 480 original.
    const me = await apiCall<Me>("/api/me", { token: amy.auth.accessToken });
    const res = await fetch(`${BASE_URL}${avatarPath(me.id, me.avatar ?? "")}`, {
      headers: { Authorization: `Bearer ${ben.auth.accessToken}` },
    });
    expect(res.status).toBe(200);
    const sent = await checkAvatarImage(new Uint8Array(await res.arrayBuffer()));
    expect(sent).toMatchObject({ ok: true, width: 256, height: 256 });

    await desk.reload();
    await expectPicture(desk, '.conversation-list li:has-text("Amy Picture")');
    await row.getByRole("link").click();
    await expectLive(desk);
    await expectPicture(desk, ".chat-header");
    expect(await cspOf()).toEqual([]);
    await desk.context().close();
    await phone.context().close();
  });

  it("others' runs of messages in a group end with their avatar", async () => {
    const cat = await registerByApi("avc", "Cat Grouped");
    const dan = await registerByApi("avd", "Dan Reader");
    const group = await groupByApi(dan, [cat], "Avatars");
    await fetch(`${BASE_URL}/api/me/avatar`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${cat.auth.accessToken}` },
      body: WEBP_256,
    }).then((r) => expect(r.status).toBe(200));
    await sendByApi(cat, group.id, "first of a run");
    await sendByApi(cat, group.id, "second of a run");
    await sendByApi(dan, group.id, "mine");

    for (const viewport of [PHONE, DESKTOP]) {
      const page = await signIn(browser(), dan.username, dan.password, { viewport });
      await page.goto(`/c/${group.id}`);
      await expectLive(page);
      const list = page.getByRole("list", { name: "Messages" });
      await list.getByText("mine").waitFor();
      // One avatar for Cat's run of two (at its end), none beside Dan's own message.
      await expectPicture(page, ".message-avatar");
      expect(await list.locator(".message-avatar").count()).toBe(1);
      const run = list.locator(".message").filter({ hasText: "second of a run" });
      expect(await run.locator(".message-avatar").count()).toBe(1);
      await page.context().close();
    }
  });

  it("a new name shows for the other person, and a password change signs the user's other device out", async () => {
    const fay = await registerByApi("avn", "Fay Before");
    const gus = await registerByApi("avg", "Gus Friend");
    const dm = await befriendByApi(fay, gus);
    await sendByApi(fay, dm.id, "hello gus");
    const other = await signIn(browser(), gus.username, gus.password, { viewport: DESKTOP });
    const list = other.getByRole("list", { name: "Conversations" });
    await list.getByText("Fay Before").waitFor();

    const phone = await signIn(browser(), fay.username, fay.password, { viewport: PHONE });
    const desk = await signIn(browser(), fay.username, fay.password, { viewport: DESKTOP });
    await openAccount(phone);
    const name = phone.getByRole("textbox", { name: "Display name" });
    await name.fill("  Fay After ");
    await phone.getByRole("button", { name: "Save" }).click();
    await phone.getByRole("status").filter({ hasText: "Name saved." }).waitFor();
    expect(await name.inputValue()).toBe("Fay After");
    await other.reload();
    await list.getByText("Fay After").waitFor();
    expect(await list.getByText("Fay Before").count()).toBe(0);

    const next = `new-${fay.password}`;
    await phone.getByLabel("Current password").fill("not my password");
    await phone.getByLabel("New password", { exact: true }).fill(next);
    await phone.getByText("Strength: strong.").waitFor();
    await phone.getByLabel("New password again").fill(`${next}x`);
    await phone.getByRole("button", { name: "Change password" }).click();
    await phone.getByRole("alert").filter({ hasText: "The two new passwords are not the same." }).waitFor();
    await phone.getByLabel("New password again").fill(next);
    await phone.getByRole("button", { name: "Change password" }).click();
    await phone.getByRole("alert").filter({ hasText: "The password is wrong." }).waitFor();
    await phone.getByLabel("Current password").fill(fay.password);
    await phone.getByRole("button", { name: "Change password" }).click();
    await phone.getByRole("status").filter({ hasText: "Password changed." }).waitFor();

    // The desktop's session ended with the change: back to the sign-in page; the new password works.
    await desk.locator('input[name="username"]').waitFor();
    await signInOn(desk, fay.username, next);
    // The phone, which made the change, stays signed in.
    await phone.reload();
    await phone.getByRole("heading", { name: "Profile and account", level: 1 }).waitFor();
    for (const page of [other, phone, desk]) await page.context().close();
  });

  it("two-step sign-in turned on from the QR screen makes the next sign-in ask for a code", async () => {
    const eve = await registerByApi("avt", "Eve Twostep");
    const desk = await signIn(browser(), eve.username, eve.password, { viewport: DESKTOP });
    await openAccount(desk);
    await desk.getByText("Off: signing in needs only your password.").waitFor();
    await desk.getByRole("button", { name: "Turn on" }).click();
    await desk.getByRole("img", { name: "QR code for your authenticator app" }).waitFor();
    const secret = ((await desk.getByTestId("totp-secret").textContent()) ?? "").replace(/\s/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    const form = desk.locator("form").filter({ has: desk.getByRole("img", { name: /QR code/ }) });
    await form.getByLabel("Password").fill(eve.password);
    const wrong = code(secret) === "000000" ? "000001" : "000000";
    await form.getByLabel("One-time code").fill(wrong);
    await form.getByRole("button", { name: "Turn on" }).click();
    await desk.getByRole("alert").filter({ hasText: "That code is wrong or was already used." }).waitFor();
    await form.getByLabel("One-time code").fill(code(secret));
    await form.getByRole("button", { name: "Turn on" }).click();
    await desk.getByRole("status").filter({ hasText: "Two-step sign-in is on." }).waitFor();
    expect((await apiCall<Me>("/api/me", { token: eve.auth.accessToken })).totpEnabled).toBe(true);
    await desk.context().close();

    // The phone signs in: the password alone is not enough any more.
    const context = await browser().newContext({ baseURL: BASE_URL, viewport: PHONE });
    const phone = await context.newPage();
    await phone.goto("/");
    await phone.locator('input[name="username"]').fill(eve.username);
    await phone.locator('input[name="password"]').fill(eve.password);
    await phone.getByRole("button", { name: "Sign in", exact: true }).click();
    const otp = phone.getByLabel("One-time code");
    await otp.waitFor();
    // The code that turned it on was used; the next step's code is new (one step of drift is accepted).
    await otp.fill(code(secret, 1));
    await phone.getByRole("button", { name: "Sign in", exact: true }).click();
    await phone.getByRole("navigation", { name: "Main" }).waitFor();
    await context.close();
  });
});
