import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";
import { bundleBudget } from "./build/bundleBudget.ts";

const webRoot = fileURLToPath(new URL(".", import.meta.url));
const INITIAL_JS_BUDGET = 100 * 1024;
// The version people see in Settings is the package's, not a build timestamp.
const pkg: unknown = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const version =
  typeof pkg === "object" && pkg !== null && "version" in pkg && typeof pkg.version === "string"
    ? pkg.version
    : "0.0.0";

export default defineConfig({
  root: webRoot,
  define: { __APP_VERSION__: JSON.stringify(version), __BUILD_TIME__: String(Date.now()) },
  plugins: [
    preact(),
    VitePWA({
      strategies: "injectManifest",
      srcDir: "src",
      filename: "sw.ts",
      // Registration lives in src/pwa/register.ts (a file, not an inline script: the CSP forbids those).
      injectRegister: false,
      manifestFilename: "manifest.webmanifest",
      injectManifest: {
        rollupFormat: "iife",
        globPatterns: ["**/*.{js,css,html,png,svg,webmanifest}"],
        // The kill-switch flag must always come from the network.
        globIgnores: ["sw-kill.json"],
      },
      manifest: {
        id: "/",
        name: "IMSystem",
        short_name: "IMSystem",
        description: "Instant messaging that works offline.",
        start_url: "/",
        scope: "/",
        display: "standalone",
        background_color: "#ffffff",
        theme_color: "#1d4ed8",
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
          { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
    }),
    bundleBudget(INITIAL_JS_BUDGET),
  ],
  build: {
    // wrangler.toml [assets] serves this directory.
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // Never inline small assets as data: URLs into CSS/JS (keeps the CSP simple).
    assetsInlineLimit: 0,
  },
  server: {
    // `vite` on its own: the Worker (`npm run dev`) answers the API and sockets.
    // The Worker checks socket Origins against its allowlist (127.0.0.1:8787),
    // so the proxy presents the target's origin instead of Vite's.
    proxy: { "/api": { target: "http://127.0.0.1:8787", ws: true, changeOrigin: true, rewriteWsOrigin: true } },
  },
});
