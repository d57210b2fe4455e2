import type { EditEvent, Message, MessageEvent } from "../protocol";
import type { LogStore } from "./store";

/** What erasure removes from the stored body of a deleted message's event, and of each of its edits. */
const ERASED_FROM_MESSAGE = [
  "text",
  "fileId",
  "file",
  "mentions",
  "forwardedFrom",
] as const satisfies readonly (keyof MessageEvent)[];
const ERASED_FROM_EDIT = ["text", "mentions"] as const satisfies readonly (keyof EditEvent)[];

/** A stored event body (JSON this log wrote) without the named fields; a body that is not an object stays as it is. */
function withoutFields(body: string, fields: readonly string[]): string {
  const parsed: unknown = JSON.parse(body);
  if (typeof parsed !== "object" || parsed === null) return body;
  // biome-ignore lint/plugin: own entries into a fresh object only serialized again, never indexed by a key.
  return JSON.stringify(Object.fromEntries(Object.entries(parsed).filter(([k]) => !fields.includes(k))));
}

/**
 * Deleted content is erased, not hidden: the folded row, the search index,
 * and the stored bodies of the message event and of every edit of it lose
 * their text, mentions and file reference, so no read or replay can return them.
 * A file no live message references any more is queued for reclaiming.
 * A deleted message is no longer pinned (no `pin` event: the `delete` says it).
 */
export function eraseMessage(store: LogStore, target: Message, at: number): void {
  const { file, mentions: _mentions, forwardedFrom: _origin, ...rest } = target;
  store.putMessage({ ...rest, text: null, deleted: true });
  store.removePin(target.seq);
  store.indexText(target.seq, null);
  // Nobody's badge counts a deleted message, and who it named goes with its text.
  store.setMentions(target.seq, []);
  const stored = store.getEvent(target.seq);
  if (stored) store.rewriteEvent(stored.seq, withoutFields(stored.body, ERASED_FROM_MESSAGE));
  for (const edit of store.eventsTargeting(target.seq, "edit")) {
    store.rewriteEvent(edit.seq, withoutFields(edit.body, ERASED_FROM_EDIT));
  }
  if (file && !store.fileReferenced(file.id)) store.queueReclaim(file.id, at);
}
