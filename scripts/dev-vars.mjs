// Writes .dev.vars with fresh random secrets when none exists, so a fresh
// clone runs `npm run dev` with no manual step. Never overwrites an existing
// file and never prints the secrets.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const path = new URL("../.dev.vars", import.meta.url);
if (existsSync(path)) process.exit(0);

const example = readFileSync(new URL("../.dev.vars.example", import.meta.url), "utf8");
const out = example
  .split("\n")
  .map((line) => {
    const m = /^([A-Z0-9_]+)=/.exec(line);
    return m ? `${m[1]}=${randomBytes(32).toString("base64url")}` : line;
  })
  .join("\n");
writeFileSync(path, out, { mode: 0o600 });
console.log("wrote .dev.vars with fresh random secrets");
