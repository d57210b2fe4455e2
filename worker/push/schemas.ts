import * as v from "valibot";
import { invalidRequest } from "../http/errors";
import { fromBase64Url } from "../ids";
import { publicUrlProblem } from "../shared/public-host";
import { importUserAgentKey, isUncompressedPoint } from "./ece";

export const ENDPOINT_MAX = 2048;

function decodes(s: string, check: (decoded: Uint8Array) => boolean): boolean {
  // valibot runs every check of a pipe even after one failed, so this one
  // sees strings the regex has already refused.
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return false;
  try {
    return check(fromBase64Url(s));
  } catch {
    return false;
  }
}

/** Unpadded base64url of exactly `bytes` bytes, as PushSubscription.toJSON() gives it. */
const base64urlBytes = (bytes: number, check: (decoded: Uint8Array) => boolean, message: string) =>
  v.pipe(
    v.string(),
    v.length(Math.ceil((bytes * 4) / 3), message),
    v.regex(/^[A-Za-z0-9_-]+$/, "must be base64url without padding"),
    v.check((s) => decodes(s, check), message),
  );

const Endpoint = v.pipe(v.string(), v.nonEmpty(), v.maxLength(ENDPOINT_MAX), v.url("must be a URL"));

export const SubscribeBody = v.strictObject({
  endpoint: Endpoint,
  keys: v.object({
    p256dh: base64urlBytes(65, isUncompressedPoint, "must be a 65-byte uncompressed P-256 point"),
    auth: base64urlBytes(16, (b) => b.length === 16, "must be 16 bytes"),
  }),
  // PushSubscription.toJSON() includes this; accepted and ignored.
  expirationTime: v.optional(v.nullable(v.number())),
});

export const UnsubscribeBody = v.strictObject({
  endpoint: v.pipe(v.string(), v.nonEmpty(), v.maxLength(ENDPOINT_MAX)),
});

/**
 * A push endpoint is a URL this Worker will POST to for every message, so
 * it must be a push service on the public internet (RFC 8030 §8: https),
 * never a name or address inside some network. Push services have DNS
 * names, so every IP literal is refused, public or not. Plain http to a
 * loopback fake push service is allowed only where the deployment says so
 * (PUSH_ALLOW_INSECURE_ENDPOINTS, tests only).
 */
export function requirePushEndpoint(endpoint: string, allowInsecure: boolean): void {
  const problem = publicUrlProblem(new URL(endpoint), allowInsecure);
  if (problem) throw invalidRequest("invalid body", [{ field: "endpoint", message: problem }]);
}

/** The point must lie on P-256, or every later push to it would fail. */
export async function requireUsableKey(p256dh: string): Promise<void> {
  try {
    await importUserAgentKey(fromBase64Url(p256dh));
  } catch {
    throw invalidRequest("invalid body", [{ field: "keys.p256dh", message: "is not a point on P-256" }]);
  }
}
