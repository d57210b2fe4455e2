// The `welcome` frame: what a connecting client learns about the members.
// A small group lists everyone with their read markers, as it always did. A
// large one lists whom a client shows anyway (the caller, the owner, the
// admins, who is online; at most `Limits.welcomeMembersMax`), hides whose
// marker is where (0 for all but the caller) and carries the read counts
// instead, so building it costs the listed members and the newest read
// positions, never a pass over 100,000 members or their markers.
import { type ConversationServerFrame, Limits, PROTOCOL_VERSION, type Role, type SocketMember } from "../protocol";
import { isLargeGroup, readCounts } from "./large-group";
import type { ConversationLog } from "./log";

export type WelcomeFrame = Extract<ConversationServerFrame, { type: "welcome" }>;

export interface WelcomeFor {
  caller: string;
  /** Who has a socket open here (the caller included). */
  online: ReadonlySet<string>;
  /** A blocked DM: the other side's marker is not shown either (a read made during the block is a receipt). */
  hideOthers: boolean;
}

export function welcomeFrame(log: ConversationLog, w: WelcomeFor): WelcomeFrame {
  const { members, store } = log;
  const large = isLargeGroup(members.size);
  const own = store.getRead(w.caller);
  const listsEveryone = members.size <= Limits.membersListedMax;
  // Listing everyone: all markers in one read (at most membersListedMax rows); else one lookup per listed member.
  const reads = listsEveryone && !large && !w.hideOthers ? store.readMarkers() : null;
  const readOf = (userId: string) => {
    if (userId === w.caller) return own;
    if (large || w.hideOthers) return 0;
    return reads ? (reads.get(userId) ?? 0) : store.getRead(userId);
  };
  const entry = (userId: string, role: Role): SocketMember => ({
    userId,
    role,
    online: w.online.has(userId),
    readSeq: readOf(userId),
  });
  const listed = listsEveryone
    ? [...members.entries()].map(([userId, role]) => entry(userId, role))
    : firstListed(log, w).map((userId) => entry(userId, members.get(userId) ?? "member"));
  return {
    type: "welcome",
    head: log.head,
    readSeq: own,
    members: listed,
    memberCount: members.size,
    pins: store.pins(),
    ...(large ? { readCounts: readCounts(store) } : {}),
    protocol: PROTOCOL_VERSION,
  };
}

/** The caller, the owner and admins, then who is online: members only, each once, at most welcomeMembersMax. */
function firstListed(log: ConversationLog, w: WelcomeFor): string[] {
  const out = new Set<string>();
  const add = (userId: string) => {
    if (out.size < Limits.welcomeMembersMax && log.members.has(userId)) out.add(userId);
    return out.size < Limits.welcomeMembersMax;
  };
  if (!add(w.caller)) return [...out];
  const staff = log.members.staff();
  for (const rank of ["owner", "admin"] as const) {
    for (const [userId, role] of staff) if (role === rank && !add(userId)) return [...out];
  }
  for (const userId of w.online) if (!add(userId)) break;
  return [...out];
}
