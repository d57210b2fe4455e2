import * as v from "valibot";
import { type ChangeFrame, type ConversationClientFrame, isReactionEmoji, Limits, type MessageKind } from "../protocol";

const MESSAGE_KINDS = ["text", "file", "image", "audio", "video", "system"] as const satisfies readonly MessageKind[];

const clientId = v.pipe(v.string(), v.minLength(1), v.maxLength(Limits.clientIdMax));
const seqAtLeast = (min: number) =>
  v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(Number.MAX_SAFE_INTEGER));
// Length over the limit is a `too_large` refusal, decided by the room, not a parse error.
const text = v.pipe(
  v.string(),
  v.check((s) => s.trim().length > 0, "must not be empty"),
);

/** A file id in a send frame (prefetch.ts checks it the same way before the room parses). */
export const fileId = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

export const SendBody = v.object({
  clientId,
  kind: v.picklist(MESSAGE_KINDS),
  text: v.optional(text),
  fileId: v.optional(fileId),
  replyTo: v.optional(seqAtLeast(1)),
});

const SendFrame = v.object({ type: v.literal("send"), ...SendBody.entries });
const EditFrame = v.object({ type: v.literal("edit"), clientId, target: seqAtLeast(1), text });
const DeleteFrame = v.object({ type: v.literal("delete"), clientId, target: seqAtLeast(1) });
const ReactFrame = v.object({
  type: v.literal("react"),
  clientId,
  target: seqAtLeast(1),
  emoji: v.pipe(v.string(), v.check(isReactionEmoji, "must be exactly one emoji")),
  on: v.boolean(),
});

/** Where a forward's message comes from; the source conversation decides whether the forwarder may read it. */
export const forwardSource = v.object({
  conversationId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  seq: seqAtLeast(1),
});

export const ForwardBody = v.object({ clientId, from: forwardSource });
const ForwardFrame = v.object({ type: v.literal("forward"), ...ForwardBody.entries });
const PinFrame = v.object({ type: v.literal("pin"), clientId, target: seqAtLeast(1), on: v.boolean() });

export const ChangeFrameSchema = v.variant("type", [
  SendFrame,
  EditFrame,
  DeleteFrame,
  ReactFrame,
  ForwardFrame,
  PinFrame,
]);

export const ClientFrameSchema = v.variant("type", [
  v.object({ type: v.literal("hello"), lastSeq: seqAtLeast(0) }),
  SendFrame,
  EditFrame,
  DeleteFrame,
  ReactFrame,
  ForwardFrame,
  PinFrame,
  v.object({ type: v.literal("typing") }),
  v.object({ type: v.literal("read"), seq: seqAtLeast(0) }),
  v.object({ type: v.literal("sync"), after: seqAtLeast(0) }),
  // A ping that is not byte-exact PING_TEXT reaches the object; answer it anyway.
  v.object({ type: v.literal("ping") }),
]);

export type ClientFrame = v.InferOutput<typeof ClientFrameSchema>;

// Compile-time proof that the schemas produce the contract's frame types.
type Assert<T extends true> = T;
export type _FramesMatchContract = Assert<
  Exclude<ClientFrame, { type: "ping" }> extends ConversationClientFrame ? true : false
>;
export type _ChangeMatchesContract = Assert<v.InferOutput<typeof ChangeFrameSchema> extends ChangeFrame ? true : false>;

/** The clientId of a refused frame, if it carried a usable one, so the error frame can name it. */
export function clientIdOf(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null || !("clientId" in raw)) return undefined;
  const id = raw.clientId;
  return typeof id === "string" && id.length > 0 && id.length <= Limits.clientIdMax ? id : undefined;
}
