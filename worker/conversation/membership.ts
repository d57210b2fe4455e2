import { ErrorCode, isAdminRole, Limits, mayRemove, type Role } from "../protocol";
import type { Accepted, ConversationLog } from "./log";
import { type Refusal, refuse } from "./results";

/**
 * A membership change as the route asks for it; the object decides if the actor may.
 * An add carries what the route looked up in D1's social relations for the
 * ids (friendship and blocks live there): the object applies those rules only
 * to the ids that are not members yet, in the same step that decides who is,
 * so a retried chunk is not refused for someone it already added.
 */
export type MemberChange =
  | {
      action: "added";
      /** At most `Limits.addMembersMax`; ids already in are reported, not refused. */
      userIds: string[];
      /** Of `userIds`, those the actor is not friends with. */
      notFriends: string[];
      /** Of `userIds`, those who blocked the actor or whom the actor blocked. */
      blocked: string[];
    }
  | { action: "removed"; userId: string }
  | { action: "role"; userId: string; role: "admin" | "member" }
  | { action: "renamed"; title: string };

export interface MemberChangeResult {
  ok: true;
  /** The change's last event; null when it changed nothing (an add whose ids were all members already). */
  event: Accepted | null;
  /** Users who lost access and whose sockets must close with 4003. */
  removed: string[];
  /** Who became owner because the owner left (a second `member` event, action `role`). */
  newOwner?: string;
  /** An add: who joined now (the event's `userIds`), and who was a member already. */
  added: string[];
  alreadyMembers: string[];
}

const done = (event: Accepted | null, removed: string[] = []): MemberChangeResult => ({
  ok: true,
  event,
  removed,
  added: [],
  alreadyMembers: [],
});

/**
 * Applies one change under the contract's rules (admin+ adds, renames and
 * removes lower roles; anyone leaves; only the owner sets roles) and logs it
 * as a `member` event. Groups only: a DM's two members are fixed. When the
 * owner leaves, ownership passes on at once (see `LogStore.successor`), so a
 * group with members always has an owner; the last member leaving leaves an
 * empty log that nobody can reach.
 */
export function changeMembers(
  log: ConversationLog,
  actorId: string,
  change: MemberChange,
): MemberChangeResult | Refusal {
  // Member rows, meta and the events (two when ownership passes on) commit together.
  return log.transact(() => changeInTx(log, actorId, change));
}

function changeInTx(log: ConversationLog, actorId: string, change: MemberChange): MemberChangeResult | Refusal {
  const denied = log.check(actorId);
  if (denied) return denied;
  const meta = log.meta;
  if (meta?.kind !== "group") return refuse(ErrorCode.invalidRequest, "only groups change members");
  const actorRole = log.members.get(actorId) ?? "member";
  const isAdmin = isAdminRole(actorRole);
  const now = Date.now();
  const event = (fields: {
    action: "added" | "removed" | "left" | "role" | "renamed";
    userIds: string[];
    role?: Role;
    title?: string;
  }) =>
    log.append((seq, createdAt) => ({
      seq,
      conversationId: meta.id,
      type: "member",
      senderId: actorId,
      createdAt,
      ...fields,
    }));

  switch (change.action) {
    case "added": {
      if (!isAdmin) return refuse(ErrorCode.forbidden, "only admins add members");
      // The route's bound, held here too: one chunk is one transaction and one event of bounded size.
      if (change.userIds.length > Limits.addMembersMax) {
        return refuse(ErrorCode.invalidRequest, `at most ${Limits.addMembersMax} userIds per request`);
      }
      const ids = [...new Set(change.userIds)];
      const fresh = ids.filter((id) => !log.members.has(id));
      const alreadyMembers = ids.filter((id) => log.members.has(id));
      const notFriends = new Set(change.notFriends);
      const blocked = new Set(change.blocked);
      if (fresh.some((id) => notFriends.has(id))) {
        return refuse(ErrorCode.forbidden, "the inviter must be friends with every invitee");
      }
      if (fresh.some((id) => blocked.has(id))) return refuse(ErrorCode.forbidden, "blocked");
      // Everyone is in already: a retried chunk succeeds and changes nothing.
      if (fresh.length === 0) return { ...done(null), alreadyMembers };
      if (log.members.size + fresh.length > Limits.groupMembersMax) {
        return refuse(ErrorCode.invalidRequest, "group is full");
      }
      for (const id of fresh) log.putMember(id, "member", now);
      return { ...done(event({ action: "added", userIds: fresh })), added: fresh, alreadyMembers };
    }
    case "removed": {
      const targetRole = log.members.get(change.userId);
      if (!targetRole) return refuse(ErrorCode.notFound, "not a member");
      const leaving = change.userId === actorId;
      if (!leaving && !mayRemove(actorRole, targetRole)) {
        return refuse(ErrorCode.forbidden, "only a higher role removes a member");
      }
      log.removeMember(change.userId);
      const heir = targetRole === "owner" ? log.store.successor() : null;
      if (heir !== null) log.putMember(heir, "owner", now);
      const left = event({ action: leaving ? "left" : "removed", userIds: [change.userId] });
      if (heir === null) return done(left, [change.userId]);
      const passed = event({ action: "role", userIds: [heir], role: "owner" });
      return { ...done(passed, [change.userId]), newOwner: heir };
    }
    case "role": {
      if (actorRole !== "owner") return refuse(ErrorCode.forbidden, "only the owner sets roles");
      const targetRole = log.members.get(change.userId);
      if (!targetRole) return refuse(ErrorCode.notFound, "not a member");
      if (targetRole === "owner") return refuse(ErrorCode.forbidden, "the owner's role cannot change");
      log.putMember(change.userId, change.role, now);
      return done(event({ action: "role", userIds: [change.userId], role: change.role }));
    }
    case "renamed": {
      if (!isAdmin) return refuse(ErrorCode.forbidden, "only admins rename the group");
      const renamed = { ...meta, title: change.title };
      log.store.setMeta(renamed);
      log.meta = renamed;
      return done(event({ action: "renamed", userIds: [], title: change.title }));
    }
  }
}
