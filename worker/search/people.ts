// The people half of global search. It finds no one the caller could not
// find already: friends (whom they know, display name included) and, by
// username prefix only, whoever `GET /api/users` would list. Blocks either
// way hide a person, so search never suggests someone to message who cannot be.
import { listFriendRows } from "../db/friends";
import { searchUsers, toUser } from "../db/users";
import { Limits, type PersonHit } from "../protocol";

/** Characters a username may hold: a query of others cannot be a username prefix. */
const USERNAME_CHARS = /^[a-z0-9_.-]+$/;

export async function findPeople(d1: D1Database, me: string, q: string): Promise<PersonHit[]> {
  const needle = q.toLowerCase();
  const prefix = USERNAME_CHARS.test(needle) && needle.length <= Limits.usernameMax ? needle : null;
  const [friends, others] = await Promise.all([
    listFriendRows(d1, me),
    prefix ? searchUsers(d1, me, prefix, Limits.userSearchMax, true) : Promise.resolve([]),
  ]);
  const hits: PersonHit[] = friends
    .filter((f) => f.username.startsWith(needle) || f.displayName.toLowerCase().includes(needle))
    .slice(0, Limits.userSearchMax)
    .map((f) => ({ user: toUser(f), friend: true, conversationId: f.conversationId }));
  const seen = new Set(hits.map((h) => h.user.id));
  for (const user of others) {
    if (hits.length >= Limits.userSearchMax) break;
    if (!seen.has(user.id)) hits.push({ user, friend: false, conversationId: null });
  }
  return hits;
}
