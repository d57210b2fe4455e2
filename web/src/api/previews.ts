// Link previews (GET /api/previews), each URL asked once per page load: the
// same link in many messages, or scrolled past again, costs no second request.
import * as v from "valibot";
import type { LinkPreview } from "../../../worker/protocol";
import { api } from "./client";
import { ApiFailure } from "./failure";

const PreviewSchema = v.object({
  url: v.string(),
  title: v.optional(v.string()),
  description: v.optional(v.string()),
  image: v.optional(v.string()),
  siteName: v.optional(v.string()),
}) satisfies v.GenericSchema<unknown, LinkPreview>;

const known = new Map<string, Promise<LinkPreview | null>>();

/** The card for `url`, or null when the page has none (or may not be fetched). */
export function getPreview(url: string): Promise<LinkPreview | null> {
  const cached = known.get(url);
  if (cached) return cached;
  const asked = api(`/api/previews?url=${encodeURIComponent(url)}`, PreviewSchema).catch((err: unknown) => {
    // Only the page's own answer (refused, none, too large) is final; a rate limit or a dropped network may pass.
    const final = err instanceof ApiFailure && [400, 404, 413].includes(err.status);
    if (!final) known.delete(url);
    return null;
  });
  known.set(url, asked);
  return asked;
}
