// Writes .dev.vars with fresh random secrets when none exists, so a fresh
// clone runs `npm run dev` with no manual step. Never overwrites an existing
// file and never prints the secrets.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const path = new URL("../.dev.vars", import.meta.url);
if (existsSync(path)) process.exit(0);

/**
 * The VAPID values must be a real P-256 key pair, not random bytes: the public
 * key as an uncompressed point (0x04 || x || y) and the private key as the
 * scalar d, both base64url — the format worker/push/vapid.ts reads.
 */
function vapidKeyPair() {
  const jwk = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ format: "jwk" });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
  return { VAPID_PUBLIC_KEY: point.toString("base64url"), VAPID_PRIVATE_KEY: jwk.d };
}
const vapid = vapidKeyPair();

const example = readFileSync(new URL("../.dev.vars.example", import.meta.url), "utf8");
const out = example
  .split("\n")
  .map((line) => {
    const m = /^([A-Z0-9_]+)=/.exec(line);
    if (!m) return line;
    const name = m[1];
    return `${name}=${Object.hasOwn(vapid, name) ? vapid[name] : randomBytes(32).toString("base64url")}`;
  })
  .join("\n");
writeFileSync(path, out, { mode: 0o600 });
console.log("wrote .dev.vars with fresh random secrets");
