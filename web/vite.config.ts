import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

const webRoot = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: webRoot,
  plugins: [preact()],
  build: {
    // wrangler.toml [assets] serves this directory.
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
  },
  server: {
    // `vite` on its own: the Worker (`npm run dev`) answers the API and sockets.
    // The Worker checks socket Origins against its allowlist (127.0.0.1:8787),
    // so the proxy presents the target's origin instead of Vite's.
    proxy: { "/api": { target: "http://127.0.0.1:8787", ws: true, changeOrigin: true, rewriteWsOrigin: true } },
  },
});
