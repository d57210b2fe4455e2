// A group's member list beyond the first page: `GET /api/conversations/:id`
// carries everyone in a small group, only the first page (and `nextCursor`)
// above 1,000 members; "load more" follows the cursor.
import { useEffect, useState } from "preact/hooks";
import type { Conversation, Member } from "../../../../worker/protocol";
import { listMembers } from "../../api/conversations";
import { describeError } from "../../api/failure";

export interface MemberPages {
  /** Everyone loaded so far, each once. */
  members: Member[];
  /** The group's size, which `members` may fall short of. */
  total: number;
  /** Another page exists. */
  hasMore: boolean;
  loading: boolean;
  error: string | null;
  loadMore: () => void;
}

export function useMemberPages(conversationId: string, conv: Conversation | null): MemberPages {
  const [extra, setExtra] = useState<Member[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  // A reloaded conversation (after a change) starts the list over from its first page.
  useEffect(() => {
    setExtra([]);
    setCursor(conv?.nextCursor ?? null);
    setError(null);
  }, [conv]);

  const first = conv?.members ?? [];
  const seen = new Set<string>();
  const members = [...first, ...extra].filter((m) => !seen.has(m.user.id) && seen.add(m.user.id));

  const loadMore = () => {
    if (cursor === null || loading) return;
    setLoading(true);
    listMembers(conversationId, cursor).then(
      (page) => {
        setExtra((e) => [...e, ...page.members]);
        setCursor(page.nextCursor);
        setLoading(false);
      },
      (err: unknown) => {
        setError(describeError(err));
        setLoading(false);
      },
    );
  };

  return {
    members,
    total: Math.max(conv?.memberCount ?? 0, members.length),
    hasMore: cursor !== null,
    loading,
    error,
    loadMore,
  };
}
