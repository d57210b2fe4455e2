// Lighthouse on the chat screen of a signed-in user (not only the sign-in
// page): builds, starts wrangler dev on a fresh local state, makes two
// friends with a short history over the API, puts the reader's refresh token
// where the app reads it, and runs Lighthouse (simulated mobile) on /c/<id>
// in Debian's chromium. Prints performance and accessibility; exit 1 below
// performance 95 or accessibility 100.
//
//   npx node scripts/lighthouse.mjs        (the pinned Node; LH_PORT picks the server's port)
//
// Needs `lighthouse` (pinned 12.2.3: 13 wants Node 22 and its lock does not
// install here). From the project's node_modules, or from LIGHTHOUSE_DIR, a
// folder where `npm i -E lighthouse@12.2.3` was run.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { freePort, startDevServer } from "./lib/dev-server.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const from = createRequire(process.env.LIGHTHOUSE_DIR ? join(process.env.LIGHTHOUSE_DIR, "x.js") : import.meta.url);
const load = async (name) => (await import(pathToFileURL(from.resolve(name)).href)).default;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const build = spawnSync(
  process.execPath,
  [join(root, "node_modules/vite/bin/vite.js"), "build", "--config", "web/vite.config.ts"],
  {
    cwd: root,
    stdio: "inherit",
  },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const persistDir = await mkdtemp(join(tmpdir(), "imsystem-lighthouse-"));
const server = await startDevServer({ port: Number(process.env.LH_PORT ?? (await freePort())), persistDir });
let code = 1;
try {
  const api = async (path, token, body) => {
    const res = await fetch(`${server.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const person = (name) =>
    api("/api/auth/register", undefined, {
      username: `lh_${name}_${Date.now().toString(36)}`,
      password: randomUUID(),
      displayName: name,
    });
  const reader = await person("Reader");
  const writer = await person("Writer");
  const asked = await api("/api/friends/requests", reader.accessToken, { userId: writer.user.id });
  await api(`/api/friends/requests/${asked.request.id}/accept`, writer.accessToken, {});
  const { conversation } = await api("/api/conversations", reader.accessToken, { kind: "dm", userId: writer.user.id });
  for (let i = 1; i <= 25; i += 1) {
    const who = i % 3 === 0 ? reader : writer;
    await api(`/api/conversations/${conversation.id}/messages`, who.accessToken, {
      clientId: randomUUID(),
      kind: "text",
      text: `Message ${i}: see https://example.com/${i} for the details we talked about`,
    });
  }

  const puppeteer = await load("puppeteer-core");
  const lighthouse = await load("lighthouse");
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    // Signed in the way the app keeps a session: the refresh token in localStorage.
    await page.goto(`${server.url}/sw-kill.json`);
    await page.evaluate((token) => localStorage.setItem("imsys.refreshToken", token), reader.refreshToken);
    const result = await lighthouse(
      `${server.url}/c/${conversation.id}`,
      {
        onlyCategories: ["performance", "accessibility"],
        disableStorageReset: true,
        output: "json",
        logLevel: "error",
      },
      undefined,
      page,
    );
    const lhr = result?.lhr;
    if (!lhr) throw new Error("lighthouse returned no report");
    // The run measured the chat, not the sign-in form: its messages are on the page Lighthouse left.
    const shown = await page.$$eval(".message-ol .message", (els) => els.length).catch(() => 0);
    if (shown === 0) throw new Error("the chat screen did not render: no messages on the page");
    console.log(`  ${shown} messages rendered (signed in, chat screen)`);
    const score = (c) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
    const perf = score("performance");
    const a11y = score("accessibility");
    const ms = (id) => Math.round(lhr.audits[id]?.numericValue ?? 0);
    console.log(`chat screen (${lhr.finalDisplayedUrl}), simulated mobile:`);
    console.log(`  performance ${perf}, accessibility ${a11y}`);
    console.log(
      `  FCP ${ms("first-contentful-paint")} ms, LCP ${ms("largest-contentful-paint")} ms, TBT ${ms("total-blocking-time")} ms, CLS ${lhr.audits["cumulative-layout-shift"]?.numericValue?.toFixed(3)}`,
    );
    for (const item of (lhr.audits["bootup-time"]?.details?.items ?? []).slice(0, 4)) {
      console.log(`  main thread: ${item.url} ${Math.round(item.total)} ms (script ${Math.round(item.scripting)} ms)`);
    }
    for (const audit of Object.values(lhr.audits)) {
      if (
        audit.score !== null &&
        audit.score < 1 &&
        lhr.categories.accessibility.auditRefs.some((r) => r.id === audit.id && r.weight > 0)
      ) {
        console.log(`  accessibility: ${audit.id}: ${audit.title}`);
      }
    }
    code = perf >= 95 && a11y === 100 ? 0 : 1;
  } finally {
    await browser.close();
  }
} finally {
  await server.stop();
  await rm(persistDir, { recursive: true, force: true });
}
process.exit(code);
