// Pinned messages: `pin` events in the log (so replay and history carry
// them) and the current set beside it (so a welcome lists them without a
// scan). Who may pin is the conversation's rule: either member of a DM, an
// admin or the owner of a group.
import { type ChangeFrame, ErrorCode, isAdminRole, Limits, type Message, type Pin, type PinEvent } from "../protocol";
import type { Accepted, ConversationLog } from "./log";
import { type Refusal, refuse } from "./results";

/**
 * Pins or unpins a live message, inside the change's transaction. Pinning
 * a pinned message or unpinning one that is not is a `conflict` (two admins
 * at once: the second learns it was done), as is a pin past the bound.
 */
export function applyPin(
  log: ConversationLog,
  userId: string,
  frame: Extract<ChangeFrame, { type: "pin" }>,
): Accepted | Refusal {
  const role = log.members.get(userId);
  if (log.meta?.kind !== "dm" && !(role && isAdminRole(role))) {
    return refuse(ErrorCode.forbidden, "only admins pin messages in a group");
  }
  const target = log.store.getMessage(frame.target);
  if (!target || target.deleted) return refuse(ErrorCode.notFound, "no such message");
  const pins = log.store.pins();
  const pinned = pins.some((p) => p.seq === frame.target);
  if (frame.on && pinned) return refuse(ErrorCode.conflict, "already pinned");
  if (!frame.on && !pinned) return refuse(ErrorCode.conflict, "not pinned");
  if (frame.on && pins.length >= Limits.pinnedMessagesMax) {
    return refuse(ErrorCode.conflict, `at most ${Limits.pinnedMessagesMax} pinned messages`);
  }
  return log.append(
    (seq, createdAt): PinEvent => ({
      ...log.base(seq, createdAt, userId, frame.clientId),
      type: "pin",
      target: frame.target,
      on: frame.on,
    }),
    (e) => {
      if (e.on) log.store.setPin({ seq: e.target, pinnedBy: userId, pinnedAt: e.createdAt });
      else log.store.removePin(e.target);
    },
  );
}

/** A pin with its message's folded state, for `GET /api/conversations/:id/pins`. */
export interface PinnedMessage extends Pin {
  message: Message;
}

export interface PinsPage {
  ok: true;
  pins: PinnedMessage[];
}

/** Every pinned message (at most the bound), oldest pin first, for a member. */
export function pinsOf(log: ConversationLog, userId: string): PinsPage | Refusal {
  const denied = log.check(userId);
  if (denied) return denied;
  const pins = log.store.pins().flatMap((p) => {
    const message = log.store.getMessage(p.seq);
    return message ? [{ ...p, message }] : [];
  });
  return { ok: true, pins };
}
