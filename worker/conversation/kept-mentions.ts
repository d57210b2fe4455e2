// Which mentions of a message's text the log keeps: the rule for every path
// that logs text (sends of any kind, captions and replies included, and
// edits; socket and REST alike). Platform-free; the block facts are gathered
// before the synchronous apply (prefetch.ts).
import { type ConversationKind, ErrorCode, Limits } from "../protocol";
import { mayMention, mentionedIds } from "../shared/mentions";
import type { Facts } from "./prefetch";
import { type Refusal, refuse } from "./results";

/** Who wrote it and where. */
export interface MentionContext {
  senderId: string;
  kind: ConversationKind;
  members: { has(userId: string): boolean };
}

/**
 * The ids the tokens of `text` name, kept if they are current members other
 * than the sender with no block either way between them and the sender (in a
 * group; a DM with a block refuses the send as a whole). A fake or stale id,
 * a non-member and a blocked user are dropped silently: the text stays as
 * written, it just notifies nobody. More than `Limits.mentionsPerMessageMax`
 * distinct ids (members or not) is a refusal, so a message cannot ping a
 * crowd through their mutes.
 */
export function keptMentions(text: string | undefined, ctx: MentionContext, facts: Facts): string[] | Refusal {
  if (text === undefined || !mayMention(text)) return [];
  const ids = mentionedIds(text);
  if (ids.length > Limits.mentionsPerMessageMax) {
    return refuse(ErrorCode.invalidRequest, `at most ${Limits.mentionsPerMessageMax} mentions in a message`);
  }
  const kept = ids.filter((id) => id !== ctx.senderId && ctx.members.has(id));
  if (kept.length === 0 || ctx.kind !== "group") return kept;
  const blocked = facts.mentionBlocks;
  // Not looked up (D1 failed, or a member joined since the lookup): like a file that could not be checked.
  if (blocked === undefined || kept.some((id) => !blocked.checked.has(id))) {
    return refuse(ErrorCode.invalidRequest, "the mentions could not be checked; retry");
  }
  return kept.filter((id) => !blocked.blocked.has(id));
}
