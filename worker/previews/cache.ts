// Previews are cached in the colo's Cache API by normalized URL: a link posted
// in a busy group is fetched once, not once per reader. Failures are cached
// too, briefly, so a slow or huge page cannot be made to cost a fetch per view.
// (The Cache API is per data centre and best effort; a miss only costs a fetch.)

const OK_SECONDS = 24 * 60 * 60;
const FAILURE_SECONDS = 10 * 60;

/** A URL in our own origin, so the key is never a request anyone could make to the page itself. */
const keyFor = (origin: string, url: string) =>
  new Request(`${origin}/api/previews/__cache?url=${encodeURIComponent(url)}`);

export interface CachedAnswer {
  status: number;
  body: string;
}

export async function getCached(origin: string, url: string): Promise<CachedAnswer | null> {
  const hit = await caches.default.match(keyFor(origin, url));
  return hit ? { status: hit.status, body: await hit.text() } : null;
}

export async function putCached(origin: string, url: string, answer: CachedAnswer): Promise<void> {
  const seconds = answer.status === 200 ? OK_SECONDS : FAILURE_SECONDS;
  const res = new Response(answer.body, {
    status: answer.status,
    headers: { "Content-Type": "application/json", "Cache-Control": `max-age=${seconds}` },
  });
  await caches.default.put(keyFor(origin, url), res);
}
