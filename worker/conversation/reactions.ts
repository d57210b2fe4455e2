// A reaction's effect on a message's reactions: the rule every path into the log applies.
import { ErrorCode, isReactionEmoji, Limits, type Message } from "../protocol";
import { type Refusal, refuse } from "./results";

/** The live `target` with its reactions after `userId` turns `emoji` on or off, or the refusal. */
export function reacted(
  target: Message | null,
  userId: string,
  emoji: string,
  on: boolean,
): { ok: true; message: Message } | Refusal {
  // Also checked by the frame schema; this is the rule for every path into the log.
  if (!isReactionEmoji(emoji)) return refuse(ErrorCode.invalidRequest, "emoji must be exactly one emoji");
  if (!target) return refuse(ErrorCode.notFound, "no such message");
  // A Map: emoji are user strings, never plain-object keys (issue 13).
  const reactions = new Map(Object.entries(target.reactions));
  if (on && !reactions.has(emoji) && reactions.size >= Limits.reactionsPerMessageMax) {
    return refuse(ErrorCode.invalidRequest, `at most ${Limits.reactionsPerMessageMax} distinct reactions`);
  }
  const users = new Set(reactions.get(emoji));
  if (on) users.add(userId);
  else users.delete(userId);
  if (users.size > 0) reactions.set(emoji, [...users]);
  else reactions.delete(emoji);
  // The wire shape, built from the Map: fromEntries defines own data properties (even `__proto__`).
  // biome-ignore lint/plugin: only serialized, never indexed; the fold reads reactions through a Map.
  return { ok: true, message: { ...target, reactions: Object.fromEntries(reactions) } };
}
