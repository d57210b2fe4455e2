// `npm run dev`: wrangler dev on 127.0.0.1:8787 with an inspector port of its
// own. Wrangler's default inspector port is 9229 for every instance, so a
// second server on the machine (tests, the bench, another checkout) could
// stop this one from starting. Extra arguments go to wrangler
// (`npm run dev -- --port 8788`); SIGINT/SIGTERM are passed on once, and
// wrangler's exit code is ours.
import { freePort, wrangler } from "./lib/dev-server.mjs";

const args = ["dev", "--ip", "127.0.0.1", "--port", "8787", "--inspector-port", String(await freePort())];
const child = wrangler([...args, ...process.argv.slice(2)], { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}
child.once("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
