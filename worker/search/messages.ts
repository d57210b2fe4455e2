// The message half of global search: one page of the scan over the caller's
// conversations. D1's member index says which objects to ask and in what
// order; each object answers with its own access check (an index row never
// grants anything: a removed member is refused there and sees nothing).
import { dmPeers, type ScanRow, scanPage } from "../db/search";
import { conversationStub } from "../do/stubs";
import type { Bindings } from "../http/env";
import { Limits, type SearchConversation, type SearchPage } from "../protocol";
import { encodeSearchCursor, type SearchCursor } from "./cursor";
import { type Answer, assemble, FROM_TOP, scan } from "./scan";

/** Objects asked at once: enough to hide a slow one, few enough not to crowd the Worker's subrequests. */
const CONCURRENCY = 6;
/** One object's answer is a keyset read on its FTS index (milliseconds); this much means trouble. */
const CALL_TIMEOUT_MS = 2500;
/** After this, a page asks no more objects and ends where the scan got to. */
const PAGE_BUDGET_MS = 4000;

const TIMED_OUT = Symbol("timed out");

function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One conversation's own search (its access check included), as an answer that never throws. */
async function ask(env: Bindings, me: string, id: string, q: string, limit: number, before: number): Promise<Answer> {
  try {
    const query = before === FROM_TOP ? { q, limit } : { q, limit, before };
    // An async wrapper turns the stub's union of promise types into one promise.
    const call = (async () => await conversationStub(env, id).messages(me, query))();
    const r = await within(call, CALL_TIMEOUT_MS);
    if (r === TIMED_OUT) return { kind: "failed" };
    if (!r.ok) return { kind: "refused" };
    return { kind: "hits", messages: r.messages, hasMore: r.hasMore };
  } catch {
    return { kind: "failed" };
  }
}

/** The conversations that have hits, named as the chat list names them. */
async function describe(env: Bindings, me: string, rows: ScanRow[]): Promise<SearchConversation[]> {
  const peers = await dmPeers(
    env.DB,
    me,
    rows.filter((r) => r.kind === "dm").map((r) => r.id),
  );
  return rows.map((r) => {
    const peer = peers.get(r.id);
    return { id: r.id, kind: r.kind, title: r.title, ...(peer ? { peer } : {}) };
  });
}

/** One page of message hits after `cursor` (null: the first page). */
export async function messagePage(
  env: Bindings,
  me: string,
  q: string,
  limit: number,
  cursor: SearchCursor | null,
): Promise<Omit<SearchPage, "people">> {
  const perPage = Limits.searchConversationsPerPage;
  const inside = cursor !== null && cursor.before > 0;
  const from = cursor ? { key: cursor.key, inclusive: inside } : null;
  const { rows: listed, total } = await scanPage(env.DB, me, from, perPage + 1);
  const rows = listed.slice(0, perPage);
  // Resume inside the cursor's conversation only if the index still lists it first.
  const firstBefore = inside && rows[0]?.id === cursor.key.id ? cursor.before : FROM_TOP;
  const answers = await scan({
    rows,
    limit,
    concurrency: CONCURRENCY,
    deadline: Date.now() + PAGE_BUDGET_MS,
    ask: (row, i) => ask(env, me, row.id, q, limit, i === 0 ? firstBefore : FROM_TOP),
  });
  const result = assemble(rows, answers, limit, listed.length > perPage, firstBefore);
  const searched = (cursor?.searched ?? 0) + result.finished;
  const withHits = [...new Map(result.hits.map((h) => [h.row.id, h.row])).values()];
  return {
    messages: result.hits.map((h) => ({ conversationId: h.row.id, message: h.message })),
    conversations: await describe(env, me, withHits),
    nextCursor: result.next ? encodeSearchCursor({ ...result.next, searched }) : null,
    searched,
    total,
    unavailable: result.unavailable.map((r) => r.id),
  };
}
