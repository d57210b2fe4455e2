// Fetches a page for its preview with the defences an open fetcher needs
// (docs/security.md "Link previews"): public hosts only, re-checked on every
// redirect hop; one deadline over all hops and the body; at most
// PreviewLimits.pageBytesMax bytes read, stopping at the end of the head.
import { ApiError, invalidRequest, tooLarge } from "../http/errors";
import { ErrorCode, PreviewLimits } from "../protocol";
import { publicUrlProblem } from "../shared/public-host";

/** Why no preview came out: `details.reason` of the 404. */
export type PreviewFailure = "timeout" | "unreachable" | "status" | "redirects" | "not_html" | "empty";

export const previewFailure = (reason: PreviewFailure, message: string) =>
  new ApiError(404, ErrorCode.notFound, message, { reason });

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function refusedUrl(problem: string): ApiError {
  return invalidRequest(`invalid query: url ${problem}`, [{ field: "url", message: problem }]);
}

/** The final response and its URL, redirects followed by hand so each hop's host is checked. */
async function follow(start: URL, allowInsecure: boolean, signal: AbortSignal): Promise<{ res: Response; url: URL }> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const res = await fetch(url, {
      redirect: "manual",
      signal,
      headers: { Accept: "text/html", "User-Agent": "IMSystem-LinkPreview/1" },
    });
    if (!REDIRECTS.has(res.status)) return { res, url };
    await res.body?.cancel();
    if (hop === PreviewLimits.redirectsMax) throw previewFailure("redirects", "too many redirects");
    const location = res.headers.get("Location");
    const next = location === null ? null : URL.parse(location, url.href);
    if (!next) throw previewFailure("unreachable", "redirect without a usable Location");
    const problem = publicUrlProblem(next, allowInsecure);
    if (problem) throw refusedUrl(`redirects to a URL that ${problem}`);
    url = next;
  }
}

/** Index just past `</head` in `bytes` (ASCII case-insensitive), or -1. */
function headEnd(bytes: Uint8Array, from: number): number {
  const pattern = [0x3c, 0x2f, 0x68, 0x65, 0x61, 0x64]; // "</head"
  outer: for (let i = Math.max(0, from); i + pattern.length <= bytes.length; i++) {
    for (let j = 0; j < pattern.length; j++) {
      const b = j >= 2 ? (bytes[i + j] ?? 0) | 0x20 : bytes[i + j];
      if (b !== pattern[j]) continue outer;
    }
    return i + pattern.length;
  }
  return -1;
}

/** The body up to the end of its head; past the byte cap without one: too_large. */
async function readHead(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = body.getReader();
  let buf = new Uint8Array(0);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return buf;
      const next = new Uint8Array(buf.length + value.length);
      next.set(buf);
      next.set(value, buf.length);
      // Re-scan the last few old bytes: "</head" may straddle two chunks.
      const end = headEnd(next, buf.length - 5);
      if (end >= 0 && end <= PreviewLimits.pageBytesMax) return next.subarray(0, end);
      if (next.length > PreviewLimits.pageBytesMax)
        throw tooLarge(`page head over ${PreviewLimits.pageBytesMax} bytes`);
      buf = next;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/** The page's head and final URL, or the contract error that explains why not. */
export async function fetchHead(start: URL, allowInsecure: boolean): Promise<{ head: Uint8Array; url: URL }> {
  const signal = AbortSignal.timeout(PreviewLimits.timeoutMs);
  try {
    const { res, url } = await follow(start, allowInsecure, signal);
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw previewFailure("status", `the page answered ${res.status}`);
    }
    const type = (res.headers.get("Content-Type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "text/html") {
      await res.body.cancel();
      throw previewFailure("not_html", "not an HTML page");
    }
    return { head: await readHead(res.body), url };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (signal.aborted) throw previewFailure("timeout", `no page within ${PreviewLimits.timeoutMs} ms`);
    throw previewFailure("unreachable", "the page could not be fetched");
  }
}
