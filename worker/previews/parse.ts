// Reads Open Graph tags and <title> out of a page's head with workerd's
// HTMLRewriter (a real HTML tokenizer), never with regular expressions.
import { type LinkPreview, PreviewLimits } from "../protocol";
import { publicUrlProblem } from "../shared/public-host";
import { cleanText, decodeEntities } from "./text";

const WANTED = new Set(["og:title", "og:description", "og:image", "og:site_name", "description"]);
/** Raw text kept per field before cleaning: a page cannot make us hold more. */
const RAW_MAX = 4 * 1024;

/** The preview fields of an HTML head; `page` resolves a relative og:image. */
export async function parseHead(head: Uint8Array, page: URL): Promise<Omit<LinkPreview, "url">> {
  const meta = new Map<string, string>();
  let title = "";
  let titleSeen = false;
  const rewriter = new HTMLRewriter()
    .on("meta", {
      element(el) {
        const key = (el.getAttribute("property") ?? el.getAttribute("name"))?.toLowerCase();
        const content = el.getAttribute("content");
        // The first of each wins, as in the Open Graph protocol's examples.
        if (key && content !== null && WANTED.has(key) && !meta.has(key)) meta.set(key, content.slice(0, RAW_MAX));
      },
    })
    .on("title", {
      text(chunk) {
        if (titleSeen) return;
        if (title.length < RAW_MAX) title += chunk.text;
        if (chunk.lastInTextNode) titleSeen = true;
      },
    });
  await rewriter.transform(new Response(head, { headers: { "Content-Type": "text/html" } })).arrayBuffer();

  const preview: Omit<LinkPreview, "url"> = {};
  const put = (key: "title" | "description" | "siteName", value: string | undefined) => {
    if (value !== undefined) preview[key] = value;
  };
  put("title", cleanText(meta.get("og:title") ?? title, PreviewLimits.titleMax));
  put(
    "description",
    cleanText(meta.get("og:description") ?? meta.get("description") ?? "", PreviewLimits.descriptionMax),
  );
  put("siteName", cleanText(meta.get("og:site_name") ?? "", PreviewLimits.siteNameMax));
  const image = imageUrl(meta.get("og:image"), page);
  if (image) preview.image = image;
  return preview;
}

/** The image as an absolute https URL on a public host, or nothing: the client loads it directly. */
function imageUrl(raw: string | undefined, page: URL): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(decodeEntities(raw).trim(), page);
  } catch {
    return undefined;
  }
  if (url.href.length > PreviewLimits.urlMax || publicUrlProblem(url, false)) return undefined;
  return url.href;
}
