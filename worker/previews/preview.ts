import { ApiError } from "../http/errors";
import { type LinkPreview, PreviewLimits } from "../protocol";
import { publicUrlProblem } from "../shared/public-host";
import { getCached, putCached } from "./cache";
import { fetchHead, previewFailure, refusedUrl } from "./fetch";
import { parseHead } from "./parse";

/** The URL as the cache and the answer know it, or the refusal: nothing is fetched for a refused URL. */
export function requirePreviewUrl(raw: string, allowInsecure: boolean): URL {
  const url = raw.length <= PreviewLimits.urlMax ? URL.parse(raw) : null;
  if (!url) throw refusedUrl(`must be a URL of at most ${PreviewLimits.urlMax} characters`);
  const problem = publicUrlProblem(url, allowInsecure);
  if (problem) throw refusedUrl(problem);
  url.hash = "";
  return url;
}

async function build(url: URL, allowInsecure: boolean): Promise<LinkPreview> {
  const { head, url: final } = await fetchHead(url, allowInsecure);
  const fields = await parseHead(head, final);
  if (!fields.title && !fields.description && !fields.image) throw previewFailure("empty", "the page has no preview");
  return { url: url.href, ...fields };
}

/**
 * The answer for `url` as status and JSON body, from the cache when it has
 * one. Refusals that depend on the page (a redirect to a private host, too
 * large, too slow) are cached like any other outcome.
 */
export async function previewAnswer(origin: string, url: URL, allowInsecure: boolean): Promise<Response> {
  const cached = await getCached(origin, url.href);
  const answer =
    cached ??
    (await build(url, allowInsecure).then(
      (preview) => ({ status: 200, body: JSON.stringify(preview) }),
      (err: unknown) => {
        if (!(err instanceof ApiError)) throw err;
        return { status: err.status, body: JSON.stringify(err.body()) };
      },
    ));
  if (!cached) await putCached(origin, url.href, answer);
  return new Response(answer.body, { status: answer.status, headers: { "Content-Type": "application/json" } });
}
