// Web pages for the link-preview tests, answered by the same outbound handler
// as the fake push service (push-service.ts): `https://pages.example.test/<kind>/<anything>`.
// Web APIs and no imports, like push-service.ts.

export const PAGES_ORIGIN = "https://pages.example.test";

const html = (body: string, headers: HeadersInit = {}) =>
  new Response(body, { headers: { "Content-Type": "text/html; charset=utf-8", ...headers } });

const OG_PAGE = `<!doctype html><html><head>
<meta charset="utf-8">
<title>Fallback title</title>
<meta property="og:title" content="Tom &amp; Jerry&#x27;s &lt;b&gt;show&lt;/b&gt;">
<meta property="og:description" content="A cat,
  a mouse,   and a chase.">
<meta property="og:image" content="/img/card.png?a=1&amp;b=2">
<meta property="og:site_name" content="Cartoons">
</head><body><h1>ignored</h1></body></html>`;

const TITLE_PAGE = `<html><head><title>  Only a &quot;title&quot;  </title>
<meta name="description" content="Plain description"></head><body></body></html>`;

const UNSAFE_PAGE = `<html><head><title>evil\u202Egnp.exe\u0007 title</title>
<meta property="og:site_name" content="Site\u2066name">
<meta property="og:image" content="http://images.example.test/insecure.png">
<meta property="og:description" content="${"d".repeat(2000)}">
</head></html>`;

/** A head that never ends within the preview byte cap. */
const hugeHead = () => `<html><head><title>big</title><!-- ${"x".repeat(300 * 1024)} --></head></html>`;
/** A small head and then a body far past the cap: reading stops at </head>. */
const bigBody = () => `<html><head><title>Big body</title></head><body>${"y".repeat(1024 * 1024)}</body></html>`;

const redirect = (location: string) => new Response(null, { status: 302, headers: { Location: location } });

export function pageServiceAnswer(request: Request): Promise<Response> | Response {
  const url = new URL(request.url);
  const kind = url.pathname.split("/")[1] ?? "";
  switch (kind) {
    case "og":
      return html(OG_PAGE);
    case "title":
      return html(TITLE_PAGE);
    case "unsafe":
      return html(UNSAFE_PAGE);
    case "empty":
      return html("<html><head></head><body>nothing</body></html>");
    case "json":
      return Response.json({ title: "not a page" });
    case "missing":
      return new Response("<title>gone</title>", { status: 404, headers: { "Content-Type": "text/html" } });
    case "huge":
      return html(hugeHead());
    case "big-body":
      return html(bigBody());
    case "redirect":
      return redirect(`${url.origin}/og${url.pathname.slice("/redirect".length)}`);
    case "redirect-private":
      return redirect(url.searchParams.get("to") ?? "https://127.0.0.1/");
    case "loop":
      return redirect(`${url.origin}/loop/${Number(url.pathname.split("/")[2] ?? 0) + 1}`);
    case "slow":
      // Answers only when the fetcher gives up (or twice its deadline later).
      return new Promise((resolve) => {
        const done = () => resolve(html("<title>too late</title>"));
        request.signal.addEventListener("abort", done);
        setTimeout(done, 6_000);
      });
    default:
      return new Response("no such page", { status: 404 });
  }
}
