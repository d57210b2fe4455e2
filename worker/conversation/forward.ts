// Forwarding, both ends. The source conversation answers whether the
// forwarder may read the message and what it holds (`forwardableOf`); the
// destination logs a copy from that answer only (`applyForward`), never from
// anything the client sent. Platform-free: the object carries the answer
// across (prefetch.ts), filling in what only D1 knows (the author's name).
import {
  type ChangeFrame,
  ErrorCode,
  type FileRef,
  type ForwardOrigin,
  type ForwardSource,
  type MessageEvent,
  type MessageKind,
} from "../protocol";
import type { Accepted, ConversationLog } from "./log";
import type { Facts } from "./prefetch";
import { type Refusal, refuse } from "./results";

/** What a forward copies: the message's content and who first wrote it. */
export interface Forwarded {
  ok: true;
  kind: MessageKind;
  text?: string;
  file?: FileRef;
  origin: ForwardOrigin;
}

/** As the source answers: it knows the author's id, not (always) their name. */
export interface ForwardableAnswer extends Omit<Forwarded, "origin"> {
  origin: Omit<ForwardOrigin, "name"> & { name?: string };
}

export const forwardKey = (source: ForwardSource) => `${source.conversationId}\u0000${source.seq}`;

/**
 * The source side: message `seq`, if `userId` is a member now and it exists,
 * is not deleted and its file is not being reclaimed. The same refusals as
 * reading it would get, so a forward reveals nothing reading would not.
 */
export function forwardableOf(log: ConversationLog, userId: string, seq: number): ForwardableAnswer | Refusal {
  const denied = log.check(userId);
  if (denied) return denied;
  const m = log.store.getMessage(seq);
  if (!m || m.deleted) return refuse(ErrorCode.notFound, "no such message");
  if (m.kind === "system") return refuse(ErrorCode.invalidRequest, "system messages cannot be forwarded");
  if (m.file && log.store.reclaimQueued(m.file.id)) return refuse(ErrorCode.notFound, "the file was deleted");
  return {
    ok: true,
    kind: m.kind,
    ...(m.text !== null ? { text: m.text } : {}),
    ...(m.file ? { file: m.file } : {}),
    // A forward of a forward names the first author, as Telegram does.
    origin: m.forwardedFrom ?? { senderId: m.senderId, createdAt: m.createdAt },
  };
}

/**
 * The destination side, inside the change's transaction: a new `message`
 * event with the source's content and `forwardedFrom`. No `replyTo`: the
 * source's seqs mean nothing here.
 */
export function applyForward(
  log: ConversationLog,
  userId: string,
  frame: Extract<ChangeFrame, { type: "forward" }>,
  facts: Facts,
): Accepted | Refusal {
  const found = facts.forwards.get(forwardKey(frame.from));
  if (found === undefined) return refuse(ErrorCode.invalidRequest, "the message could not be checked; retry");
  if (!found.ok) return found;
  const { kind, text, file, origin } = found;
  return log.append(
    (seq, createdAt): MessageEvent => ({
      ...log.base(seq, createdAt, userId, frame.clientId),
      type: "message",
      kind,
      ...(text !== undefined ? { text } : {}),
      ...(file ? { fileId: file.id, file } : {}),
      forwardedFrom: origin,
    }),
    (e) =>
      log.store.addMessage({
        seq: e.seq,
        senderId: userId,
        clientId: frame.clientId,
        kind,
        text: text ?? null,
        ...(file ? { file } : {}),
        forwardedFrom: origin,
        createdAt: e.createdAt,
        reactions: {},
      }),
  );
}
