// Files in the browser: an image and a file sent through the attach button,
// previewed, opened in the lightbox and downloaded byte-identical by the other
// side; a multipart upload that survives a network drop and a reload, pause
// and resume by hand, and a voice message recorded from the fake microphone.
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  befriendByApi,
  expectLive,
  FAKE_MEDIA_ARGS,
  messageAction,
  messages,
  registerByApi,
  sendByApi,
  signIn,
  useBrowser,
  watchCsp,
} from "./helpers";

const browser = useBrowser(FAKE_MEDIA_ARGS);

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function attach(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
  const chooser = page.waitForEvent("filechooser");
  await page.getByRole("button", { name: "Attach a file" }).click();
  await (await chooser).setFiles(files);
}

/** Downloads the file of the card named `name` and returns its SHA-256. */
async function downloadHash(page: Page, name: string): Promise<string> {
  const download = page.waitForEvent("download");
  await messages(page)
    .getByRole("link", { name: `Download ${name}` })
    .click();
  const file = await (await download).path();
  return sha256(await readFile(file));
}

async function openPair() {
  const ada = await registerByApi("ada", "Ada Sender");
  const ben = await registerByApi("ben", "Ben Reader");
  const dm = await befriendByApi(ada, ben);
  const adaPage = await signIn(browser(), ada.username, ada.password);
  const benPage = await signIn(browser(), ben.username, ben.password);
  const csp = [await watchCsp(adaPage), await watchCsp(benPage)];
  for (const page of [adaPage, benPage]) {
    await page.goto(`/c/${dm.id}`);
    await expectLive(page);
  }
  return { adaPage, benPage, csp, ben, dm };
}

describe("files in the browser", () => {
  it("sends an image and a file; the other side previews, opens and downloads them byte for byte", async () => {
    const { adaPage, benPage, csp } = await openPair();
    const png = await readFile(new URL("../public/icons/icon-192.png", import.meta.url));
    const notes = randomBytes(300 * 1024);

    await attach(adaPage, [
      { name: "cat.png", mimeType: "image/png", buffer: png },
      { name: "notes.bin", mimeType: "application/octet-stream", buffer: notes },
    ]);

    // Ben sees the image itself (decoded, through its signed URL) and a card for the file.
    const image = messages(benPage).getByRole("img", { name: "Image: cat.png" });
    await image.waitFor();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(192);
    const card = messages(benPage).locator(".file-card").filter({ hasText: "notes.bin" });
    await card.getByText("300.0 KB").waitFor();

    // The lightbox: a named modal dialog with focus inside; Escape closes it and focus comes back.
    const opener = messages(benPage).getByRole("button", { name: "Open image cat.png" });
    await opener.click();
    const dialog = benPage.getByRole("dialog", { name: "Image viewer: cat.png" });
    await dialog.waitFor();
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await benPage.keyboard.press("Tab");
    await benPage.keyboard.press("Tab");
    await benPage.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await benPage.keyboard.press("Escape");
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => opener.evaluate((b) => b === document.activeElement)).toBe(true);

    // Downloads are the same bytes that were sent.
    expect(await downloadHash(benPage, "notes.bin")).toBe(sha256(notes));
    expect(await downloadHash(adaPage, "notes.bin")).toBe(sha256(notes));

    for (const check of csp) expect(await check()).toEqual([]);
    await adaPage.context().close();
    await benPage.context().close();
  });

  it("resumes a 12 MiB multipart upload after a network drop and after a reload, uploading each part once", async () => {
    const { adaPage, benPage } = await openPair();
    const big = randomBytes(12 * 1024 * 1024);
    const partPuts: string[] = [];
    adaPage.on("request", (r) => {
      const m = /\/api\/files\/[^/]+\/parts\/(\d+)$/.exec(new URL(r.url()).pathname);
      if (r.method() === "PUT" && m?.[1]) partPuts.push(m[1]);
    });
    const status = adaPage.locator(".uploads .upload-status");

    // The network drops while part 2 is going up.
    await adaPage.route("**/api/files/*/parts/2", (route) => route.abort("internetdisconnected"));
    await attach(adaPage, [{ name: "big.bin", mimeType: "application/octet-stream", buffer: big }]);
    await expect.poll(() => status.getAttribute("data-state"), { timeout: 30_000 }).toBe("waiting");
    await adaPage.context().setOffline(true);

    // A reload while offline-ish: the upload comes back from IndexedDB, still waiting.
    await adaPage.context().setOffline(false);
    await adaPage.reload();
    await expect.poll(() => status.getAttribute("data-state"), { timeout: 30_000 }).toBe("waiting");
    await expect.poll(() => status.textContent()).toContain("8.0 MB of 12.0 MB");

    // The network comes back: it finishes from part 2 and the message goes out.
    await adaPage.unroute("**/api/files/*/parts/2");
    await adaPage.context().setOffline(true);
    await adaPage.context().setOffline(false);
    const card = messages(benPage).locator(".file-card").filter({ hasText: "big.bin" });
    await card.getByText("12.0 MB").waitFor({ timeout: 60_000 });
    await expect.poll(() => status.count()).toBe(0);
    expect(partPuts.filter((n) => n === "1")).toHaveLength(1);

    expect(await downloadHash(benPage, "big.bin")).toBe(sha256(big));
    await adaPage.context().close();
    await benPage.context().close();
  });

  it("pauses and resumes an upload by hand", async () => {
    const { adaPage, benPage } = await openPair();
    const big = randomBytes(12 * 1024 * 1024);
    // Part 2 hangs until released, so there is time to press Pause.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await adaPage.route("**/api/files/*/parts/2", async (route) => {
      await held;
      await route.continue().catch(() => undefined); // aborted by the pause meanwhile
    });
    await attach(adaPage, [{ name: "paused.bin", mimeType: "application/octet-stream", buffer: big }]);
    const status = adaPage.locator(".uploads .upload-status");
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toContain("8.0 MB of 12.0 MB");
    await adaPage.getByRole("button", { name: "Pause uploading paused.bin" }).click();
    await expect.poll(() => status.getAttribute("data-state")).toBe("paused");
    await adaPage.unroute("**/api/files/*/parts/2");
    release();
    // Paused stays paused: nothing arrives.
    await adaPage.waitForTimeout(500);
    expect(await messages(benPage).locator(".file-card").count()).toBe(0);

    await adaPage.getByRole("button", { name: "Resume uploading paused.bin" }).click();
    await messages(benPage).locator(".file-card").filter({ hasText: "paused.bin" }).waitFor();
    expect(await downloadHash(benPage, "paused.bin")).toBe(sha256(big));
    await adaPage.context().close();
    await benPage.context().close();
  });

  it("records a voice message in reply, and the other side can play it", async () => {
    const { adaPage, benPage, ben, dm } = await openPair();
    await sendByApi(ben, dm.id, "Can you say it out loud?");
    await messageAction(adaPage, "Can you say it out loud?", "Reply");
    await adaPage.getByText("Replying to Ben Reader").waitFor();
    await adaPage.getByRole("button", { name: "Record a voice message" }).click();
    await adaPage.getByText(/Recording… [1-9] s/).waitFor();
    await adaPage.getByRole("button", { name: "Stop and send" }).click();
    const voice = messages(benPage)
      .locator(".message")
      .filter({ has: benPage.locator("audio") });
    // The note answers Ben's question (his side says "You"), and Ada's reply mode is over.
    await voice.getByRole("button", { name: /^In reply to You/ }).waitFor();
    expect(await voice.textContent()).toContain("Can you say it out loud?");
    await adaPage.getByText("Replying to Ben Reader").waitFor({ state: "detached" });
    const audio = voice.locator("audio");
    await audio.waitFor({ state: "attached" });
    // The player loads the recording's metadata through the signed URL.
    await expect
      .poll(() => audio.evaluate((a: HTMLAudioElement) => a.readyState), { timeout: 15_000 })
      .toBeGreaterThanOrEqual(1);
    await adaPage.context().close();
    await benPage.context().close();
  });

  it("sends an image pasted into the message box and a file dropped onto the chat", async () => {
    const { adaPage, benPage, csp } = await openPair();
    const png = await readFile(new URL("../public/icons/icon-192.png", import.meta.url));
    await adaPage.evaluate(
      (bytes) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], "pasted.png", { type: "image/png" }));
        const box = document.querySelector("#composer-text");
        box?.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      },
      [...png],
    );
    await messages(benPage).getByRole("img", { name: "Image: pasted.png" }).waitFor();
    // The pasted image went out as a file, not as text in the box.
    expect(await adaPage.getByRole("textbox", { name: "Message" }).inputValue()).toBe("");

    await adaPage.evaluate(() => {
      const data = new DataTransfer();
      data.items.add(new File(["dropped bytes"], "dropped.txt", { type: "text/plain" }));
      const list = document.querySelector(".messages");
      list?.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
      list?.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await messages(benPage).locator(".file-card").filter({ hasText: "dropped.txt" }).getByText("13 B").waitFor();
    for (const check of csp) expect(await check()).toEqual([]);
    await adaPage.context().close();
    await benPage.context().close();
  });
});
