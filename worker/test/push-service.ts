// The push service the worker tests reach with a plain `fetch()`. vitest.config.ts
// hands `outboundService` to miniflare, which sends every outbound request of the
// test Worker (its objects and the test code alike) to this handler, in the Node
// process running vitest. So the inbox pushes exactly as it does live, with no
// test hook on it; tests read what arrived with `pushesTo` (push-fixtures.ts).
// Web APIs and no other imports: vitest.config.ts loads it, worker/ type-checks it.

import { PAGES_ORIGIN, pageServiceAnswer } from "./page-service";

/** The push service's hosts; anything else has no network in tests. */
export const PUSH_HOST_SUFFIX = ".example.test";
/** `GET https://push.example.test/__requests?prefix=<endpoint>`: what arrived at endpoints starting with prefix. */
export const REQUESTS_PATH = "/__requests";

/** A push service's answer by the endpoint host's first label (RFC 8030 §7.3); every other host accepts. */
const ANSWERS = new Map([
  ["gone", 410],
  ["missing", 404],
  ["busy", 429],
]);

/** One request as the tests read it: headers as pairs, body as base64url. */
export interface RecordedPush {
  url: string;
  method: string;
  headers: [string, string][];
  body: string;
}

/** Every request received, in order (per Node process, i.e. per `vitest` run). */
const received: RecordedPush[] = [];

function base64Url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export async function pushServiceOutbound(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (!url.hostname.endsWith(PUSH_HOST_SUFFIX)) {
    return new Response(`no network in tests: ${url.origin}`, { status: 502 });
  }
  if (url.pathname === REQUESTS_PATH) {
    const prefix = url.searchParams.get("prefix");
    if (!prefix) return new Response("prefix required", { status: 400 });
    return Response.json({ requests: received.filter((r) => r.url.startsWith(prefix)) });
  }
  received.push({
    url: request.url,
    method: request.method,
    headers: [...request.headers],
    body: base64Url(new Uint8Array(await request.arrayBuffer())),
  });
  if (url.origin === PAGES_ORIGIN) return pageServiceAnswer(request);
  return new Response(null, { status: ANSWERS.get(url.hostname.split(".")[0] ?? "") ?? 201 });
}
