// The state of one global search: the first page after a pause in typing,
// more pages on request (the same query, following the server's cursor), and
// answers to an older query dropped.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { MessageHit, PersonHit, SearchConversation } from "../../../../worker/protocol";
import { describeError, type ErrorWording } from "../../api/failure";
import { searchEverywhere } from "../../api/search";

/** The server refuses a query with no searchable words (emoji, symbols alone) as `invalid_request`. */
const WORDING: ErrorWording = new Map([["invalid_request", "errSearchUnsearchable"]]);
/** Typing pauses this long before a query goes out (each one counts against a per-user budget). */
const DEBOUNCE_MS = 300;

export interface SearchState {
  /** The query these results answer. */
  q: string;
  people: PersonHit[];
  hits: MessageHit[];
  conversations: ReadonlyMap<string, SearchConversation>;
  nextCursor: string | null;
  searched: number;
  total: number;
  unavailable: number;
}

export interface GlobalSearch {
  state: SearchState | null;
  loading: boolean;
  error: string | null;
  more(): void;
}

export function useGlobalSearch(query: string): GlobalSearch {
  const [state, setState] = useState<SearchState | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Bumped by every new query: an answer of an older round is dropped.
  const round = useRef(0);

  useEffect(() => {
    const q = query.trim();
    const mine = ++round.current;
    setState(null);
    setError(null);
    if (q === "") return;
    setLoading(true);
    const timer = setTimeout(() => {
      searchEverywhere(q, null).then(
        (page) => {
          if (round.current !== mine) return;
          setState({
            q,
            people: page.people,
            hits: page.messages,
            conversations: new Map(page.conversations.map((c) => [c.id, c])),
            nextCursor: page.nextCursor,
            searched: page.searched,
            total: page.total,
            unavailable: page.unavailable.length,
          });
          setLoading(false);
        },
        (err: unknown) => {
          if (round.current !== mine) return;
          setError(describeError(err, WORDING));
          setLoading(false);
        },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query]);

  const more = useCallback(() => {
    if (!state?.nextCursor || loading) return;
    const mine = round.current;
    setLoading(true);
    setError(null);
    searchEverywhere(state.q, state.nextCursor).then(
      (page) => {
        if (round.current !== mine) return;
        setState((s) =>
          s === null
            ? s
            : {
                ...s,
                hits: [...s.hits, ...page.messages],
                conversations: new Map([...s.conversations, ...page.conversations.map((c) => [c.id, c] as const)]),
                nextCursor: page.nextCursor,
                searched: page.searched,
                total: page.total,
                unavailable: s.unavailable + page.unavailable.length,
              },
        );
        setLoading(false);
      },
      (err: unknown) => {
        if (round.current !== mine) return;
        setError(describeError(err, WORDING));
        setLoading(false);
      },
    );
  }, [state, loading]);

  return { state, loading, error, more };
}
