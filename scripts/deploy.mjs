// `npm run deploy [-- --env staging|production]`: build the web app, apply D1
// migrations to the remote database of that environment, then deploy the
// Worker. Stops at the first failure, so code never goes out ahead of the
// schema it needs.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const envIdx = args.indexOf("--env");
const envName = envIdx >= 0 ? args[envIdx + 1] : undefined;
if (envIdx >= 0 && !["staging", "production"].includes(envName ?? "")) {
  console.error("usage: npm run deploy [-- --env staging|production]");
  process.exit(2);
}
const envArgs = envName ? ["--env", envName] : [];
const wrangler = `${root}node_modules/wrangler/bin/wrangler.js`;

function run(cmd, cmdArgs) {
  console.log(`> ${[cmd === process.execPath ? "node" : cmd, ...cmdArgs].join(" ")}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run("npm", ["run", "build"]);
run(process.execPath, [wrangler, "d1", "migrations", "apply", "DB", "--remote", ...envArgs]);
run(process.execPath, [wrangler, "deploy", ...envArgs]);
