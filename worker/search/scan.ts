// One page of the message scan over the caller's conversations: which
// conversations to ask (in scan order, a bounded number at once, no new ones
// after the page's time budget, none past the point where the page is full),
// and how their answers become a page and the cursor of the next one. No
// platform here: the caller passes `ask`, so the rules are testable in Node.
import type { ScanKey } from "../db/search";
import { eachBounded } from "../do/fanout";
import type { Message } from "../protocol";

export type Answer =
  /** The conversation's own search answer (`hasMore`: more matches below the last one). */
  | { kind: "hits"; messages: Message[]; hasMore: boolean }
  /** Not a member (any more, whatever the index says) or no such conversation: nothing, silently. */
  | { kind: "refused" }
  /** An error or no answer within the call timeout: reported in `unavailable`, and the scan goes on. */
  | { kind: "failed" }
  /** Not asked before the page's time budget ran out: the next page starts here. */
  | { kind: "unasked" };

/** Where the next page starts: inside `key` below seq `before`, or after `key` when `before` is 0. */
export interface NextStart {
  key: ScanKey;
  before: number;
}

export interface ScanResult<R extends ScanKey> {
  hits: { row: R; message: Message }[];
  unavailable: R[];
  next: NextStart | null;
  /** Conversations this page finished (searched through to the end). */
  finished: number;
}

/** Inside a conversation from its newest message: every seq is below this. */
export const FROM_TOP = Number.MAX_SAFE_INTEGER;

/**
 * The index of the conversation the page ends in, once every answer up to it
 * is in: the first whose matches fill the page or run past it. Null while
 * that is not known yet.
 */
function fullAt(answers: readonly (Answer | undefined)[], limit: number): number | null {
  let taken = 0;
  for (let i = 0; i < answers.length; i++) {
    const a = answers[i];
    if (a === undefined) return null;
    if (a.kind !== "hits") continue;
    taken += a.messages.length;
    if (taken >= limit || a.hasMore) return i;
  }
  return null;
}

/**
 * Turns answers (one per row, in scan order) into the page: matches in scan
 * order, newest first inside a conversation, at most `limit`. `moreRows`
 * says whether the index lists conversations after `rows`; `firstBefore` is
 * where the first row was asked from (a page that resumes inside it).
 */
export function assemble<R extends ScanKey>(
  rows: readonly R[],
  answers: readonly (Answer | undefined)[],
  limit: number,
  moreRows: boolean,
  firstBefore = FROM_TOP,
): ScanResult<R> {
  const out: ScanResult<R> = { hits: [], unavailable: [], next: null, finished: 0 };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as R;
    const a = answers[i];
    if (a === undefined || a.kind === "unasked") {
      out.next = { key: row, before: i === 0 ? firstBefore : FROM_TOP };
      return out;
    }
    if (a.kind === "failed") out.unavailable.push(row);
    if (a.kind === "hits") {
      const take = a.messages.slice(0, limit - out.hits.length);
      for (const message of take) out.hits.push({ row, message });
      const last = take.at(-1);
      if (last && (take.length < a.messages.length || a.hasMore)) {
        out.next = { key: row, before: last.seq };
        return out;
      }
    }
    out.finished += 1;
    if (out.hits.length >= limit) {
      out.next = i + 1 < rows.length || moreRows ? { key: row, before: 0 } : null;
      return out;
    }
  }
  const last = rows.at(-1);
  out.next = moreRows && last ? { key: last, before: 0 } : null;
  return out;
}

export interface ScanOptions<R extends ScanKey> {
  rows: readonly R[];
  limit: number;
  concurrency: number;
  /** No conversation is asked after this time (ms since the epoch). */
  deadline: number;
  /** One conversation's search; must not throw (a failure is an answer). */
  ask: (row: R, index: number) => Promise<Answer>;
}

/**
 * Asks the rows in scan order, at most `concurrency` at once. A row after
 * the one the page is known to end in is not asked, nor one whose turn
 * comes after the deadline.
 */
export async function scan<R extends ScanKey>(o: ScanOptions<R>): Promise<(Answer | undefined)[]> {
  const answers: (Answer | undefined)[] = new Array(o.rows.length).fill(undefined);
  let endsAt: number | null = null;
  await eachBounded(
    o.rows.map((row, index) => ({ row, index })),
    o.concurrency,
    async ({ row, index }) => {
      if (endsAt !== null && index > endsAt) return;
      if (Date.now() >= o.deadline) {
        answers[index] = { kind: "unasked" };
        return;
      }
      answers[index] = await o.ask(row, index);
      endsAt ??= fullAt(answers, o.limit);
    },
  );
  return answers;
}
