// Global search: people and messages across all of this user's conversations.
import type { SearchPage } from "../../../worker/protocol";
import { SearchPageSchema } from "../wire/search";
import { api } from "./client";

/** One page; `cursor` is the previous page's `nextCursor` (the same `q`). */
export function searchEverywhere(q: string, cursor: string | null, limit = 20): Promise<SearchPage> {
  const query = new URLSearchParams({ q, limit: String(limit) });
  if (cursor !== null) query.set("cursor", cursor);
  return api(`/api/search?${query}`, SearchPageSchema);
}
