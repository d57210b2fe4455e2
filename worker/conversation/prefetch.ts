// The pre-append lookup step: a change's apply is synchronous (seq is read
// and the event inserted with no await between), so whatever it must know
// from outside the object (D1 rows of a sent file; a forwarded message, as
// its own conversation answers for the forwarder) is gathered before, as
// `Facts`, and handed to the one synchronous apply. Platform-free: the
// object supplies the sources.
import * as v from "valibot";
import { type ForwardSource, Limits } from "../protocol";
import { mayMention, mentionedIds } from "../shared/mentions";
import { type Forwarded, forwardKey } from "./forward";
import { fileId as fileIdSchema, forwardSource } from "./frames";
import type { FileFacts } from "./message-file";
import type { Refusal } from "./results";

/** Blocks between a text's sender and the users it mentions, as D1 answered. */
export interface MentionBlocks {
  /** The ids asked about. */
  readonly checked: ReadonlySet<string>;
  /** Those of them with a block either way with the sender. */
  readonly blocked: ReadonlySet<string>;
}

/** What a change learned before its apply. A missing entry means "could not be looked up". */
export interface Facts {
  /** D1 facts of the files a send references (null: no such file). */
  readonly files: ReadonlyMap<string, FileFacts | null>;
  /** What a forward's source conversation answered, by `forwardKey`. */
  readonly forwards: ReadonlyMap<string, Forwarded | Refusal>;
  /** For a text that mentions group members (kept-mentions.ts). */
  readonly mentionBlocks?: MentionBlocks;
}

/** The facts of a change that needs none (shared: the hot path allocates nothing). */
export const NO_FACTS: Facts = { files: new Map(), forwards: new Map() };

/** Where facts come from; the object backs each with its D1 module and the source conversation. */
export interface FactSources {
  file(fileId: string): Promise<FileFacts | null>;
  /** The message `userId` forwards, if its conversation lets them read it. */
  forward(userId: string, source: ForwardSource): Promise<Forwarded | Refusal>;
  /**
   * Blocks between `senderId` and those of `userIds` that need asking (other
   * members, in a group), or null when none does: nothing is looked up then.
   */
  mentionBlocks(senderId: string, userIds: readonly string[]): Promise<MentionBlocks> | null;
}

/** The parts of a change frame that call for a lookup. */
interface NeedsFacts {
  type: string;
  fileId?: unknown;
  text?: unknown;
  from?: unknown;
}

/** The facts `frame` of `userId` needs, or null when it needs none (then nothing awaits). A failed lookup rejects. */
export function gatherFacts(frame: NeedsFacts, userId: string, sources: FactSources): Promise<Facts> | null {
  if (frame.type === "forward" && v.is(forwardSource, frame.from)) {
    const from = frame.from;
    return sources.forward(userId, from).then((answer) => ({
      files: NO_FACTS.files,
      forwards: new Map([[forwardKey(from), answer]]),
    }));
  }
  const fileId = frame.type === "send" && v.is(fileIdSchema, frame.fileId) ? frame.fileId : null;
  const mentioned = (frame.type === "send" || frame.type === "edit") && typeof frame.text === "string";
  const ids = mentioned && mayMention(frame.text as string) ? mentionedIds(frame.text as string) : [];
  // Past the bound the apply refuses the text anyway: no lookup for it.
  const blocks =
    ids.length > 0 && ids.length <= Limits.mentionsPerMessageMax ? sources.mentionBlocks(userId, ids) : null;
  if (fileId === null && blocks === null) return null;
  const file = fileId === null ? null : sources.file(fileId);
  return Promise.all([file, blocks]).then(([found, mentionBlocks]) => ({
    files: fileId === null ? NO_FACTS.files : new Map([[fileId, found]]),
    forwards: NO_FACTS.forwards,
    ...(mentionBlocks ? { mentionBlocks } : {}),
  }));
}

/**
 * The lookup-relevant part of a raw socket frame, read cheaply before the
 * room parses it properly; null for a frame that needs no lookup (most).
 * A token hidden behind JSON escapes gets no lookup, and without one the
 * apply refuses a group's mentions (kept-mentions.ts): hiding gains nothing.
 */
export function peekFrame(data: string | ArrayBuffer): NeedsFacts | null {
  if (typeof data !== "string" || data.length > Limits.frameMaxBytes) return null;
  if (!data.includes('"fileId"') && !data.includes('"from"') && !mayMention(data)) return null;
  try {
    const raw: unknown = JSON.parse(data);
    if (typeof raw !== "object" || raw === null || !("type" in raw) || typeof raw.type !== "string") return null;
    const peeked: NeedsFacts = { type: raw.type };
    if ("fileId" in raw) peeked.fileId = raw.fileId;
    if ("text" in raw) peeked.text = raw.text;
    if ("from" in raw) peeked.from = raw.from;
    return peeked;
  } catch {
    return null;
  }
}

/**
 * Runs the lookups of socket frames without reordering them: while one is
 * in flight, every later frame (of any socket) queues behind it and is
 * delivered in arrival order. With no lookup in flight, frames pass
 * straight through in the same turn.
 */
export class PrefetchGate<In = string | ArrayBuffer> {
  private tail: Promise<void> | null = null;

  constructor(private readonly lookup: (input: In) => Promise<Facts> | null) {}

  /** `deliver` gets the frame's facts (NO_FACTS when it needs none, or its lookup failed). */
  run(data: In, deliver: (facts: Facts) => void): Promise<void> | undefined {
    const pending = this.lookup(data);
    if (pending === null && this.tail === null) {
      deliver(NO_FACTS);
      return undefined;
    }
    // Started now, so queued lookups overlap; only delivery is ordered.
    const facts = pending === null ? null : pending.catch(() => NO_FACTS);
    const prior = this.tail ?? Promise.resolve();
    const next = prior
      .then(async () => deliver(facts === null ? NO_FACTS : await facts))
      // One failed delivery must not stall the frames queued behind it.
      .catch((err: unknown) => console.error("frame delivery failed", err instanceof Error ? err.name : "non-error"));
    this.tail = next;
    void next.finally(() => {
      if (this.tail === next) this.tail = null;
    });
    return next;
  }
}
