import { Hono } from "hono";
import * as v from "valibot";
import { requireAuth } from "../auth/middleware";
import { limitByUser } from "../auth/ratelimit";
import { matchQuery } from "../conversation/cjk";
import type { AppEnv } from "../http/env";
import { invalidRequest } from "../http/errors";
import { intParam, valid } from "../http/validate";
import { Limits, type SearchPage } from "../protocol";
import { decodeSearchCursor } from "../search/cursor";
import { messagePage } from "../search/messages";
import { findPeople } from "../search/people";

const words = (q: string) => q.split(/\s+/).filter(Boolean);

// The same rules as a conversation's own search (`GET …/messages?q=`), checked once here before any object is asked.
const SearchQuery = v.object({
  q: v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, "must not be empty"),
    v.maxLength(Limits.searchQueryMax, `must be at most ${Limits.searchQueryMax} characters`),
    v.check((q) => words(q).length <= Limits.searchWordsMax, `must be at most ${Limits.searchWordsMax} words`),
    v.check((q) => matchQuery(words(q)) !== null, "has no searchable words"),
  ),
  cursor: v.optional(v.pipe(v.string(), v.maxLength(1024))),
  limit: v.optional(intParam(1, Limits.searchPageMax), "20"),
});

export const search = new Hono<AppEnv>();

// Counted before the query is looked at: a refused query still cost a request.
search.use("*", requireAuth, limitByUser("SEARCH_USER_LIMIT"));

/** People (first page only) and messages across the caller's conversations; docs/protocol.md "Global search". */
search.get("/", valid("query", SearchQuery), async (c) => {
  const me = c.get("auth").userId;
  const { q, cursor: raw, limit } = c.req.valid("query");
  const cursor = raw === undefined ? null : decodeSearchCursor(raw);
  if (raw !== undefined && cursor === null) {
    throw invalidRequest("invalid query: cursor is not one this search gave", [
      { field: "cursor", message: "not a search cursor" },
    ]);
  }
  const [people, page] = await Promise.all([
    cursor ? Promise.resolve([]) : findPeople(c.env.DB, me, q),
    messagePage(c.env, me, q, limit, cursor),
  ]);
  return c.json({ people, ...page } satisfies SearchPage);
});
