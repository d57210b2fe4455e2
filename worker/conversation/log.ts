import {
  type ChangeFrame,
  type ConversationEvent,
  ErrorCode,
  type FileRef,
  Limits,
  type Message,
  type MessageEvent,
  type Role,
} from "../protocol";
import { eraseMessage } from "./erasure";
import { applyForward } from "./forward";
import { keptMentions } from "./kept-mentions";
import { Members } from "./members";
import { fileRefFor } from "./message-file";
import { applyPin } from "./pins";
import { type Facts, NO_FACTS } from "./prefetch";
import { reacted } from "./reactions";
import { noConversation, notMember, type Refusal, refuse } from "./results";
import { Staged } from "./staged";
import type { LogStore, RoomMeta } from "./store";

export interface InitInput extends RoomMeta {
  members: { userId: string; role: Role }[];
}

/** An accepted change: the event (new, or the original one for a repeated clientId). */
export interface Accepted {
  ok: true;
  repeated: boolean;
  seq: number;
  createdAt: number;
  /** The event's JSON exactly as stored and fanned out. */
  body: string;
}

const ADMIN_ROLES: ReadonlySet<Role> = new Set(["owner", "admin"]);
const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** What the log keeps in memory beside SQLite (the members apart: they change in place, members.ts). */
interface LogState {
  head: number;
  meta: RoomMeta | null;
}

export interface LogHooks {
  /** Inside the change's transaction, after each event's row: writes that must commit with it. */
  stored?(seq: number, body: string): void;
  /** After the transaction committed, each new event in seq order: only now may it reach anyone. */
  committed(seq: number, body: string): void;
}

/**
 * The ordered log of one conversation and its folded `messages` view. Every
 * method is synchronous: seq assignment reads `head` and inserts the event
 * with no await in between, which is what makes seq gap-free and unique.
 *
 * Every change is one transaction (`transact`): the event rows and every
 * write they imply commit together or not at all, and `head`, `meta`,
 * `members` and the hooks' effects change only once it has committed. A
 * throw anywhere inside leaves SQLite and memory as they were, so the next
 * change takes the same seq and nothing of the failed one reaches a socket.
 */
export class ConversationLog {
  private readonly state: Staged<LogState>;
  /** Who is in the conversation; inside a transaction its staged view (see `Members`). */
  readonly members: Members;

  constructor(
    readonly store: LogStore,
    private readonly now: () => number,
    private readonly hooks: LogHooks,
  ) {
    this.members = new Members(store.members());
    this.state = new Staged({ head: store.head(), meta: store.getMeta() }, this.members);
  }

  // Inside a transaction these read (and set) its staged state, elsewhere the committed one.
  get head(): number {
    return this.state.current.head;
  }
  get meta(): RoomMeta | null {
    return this.state.current.meta;
  }
  set meta(meta: RoomMeta | null) {
    this.state.staged().meta = meta;
  }

  /** A member joins or changes role: their row and the in-memory view, in the open transaction. */
  putMember(userId: string, role: Role, joinedAt: number): void {
    this.state.staged();
    this.store.putMember(userId, role, joinedAt);
    this.members.put(userId, role);
  }

  removeMember(userId: string): void {
    this.state.staged();
    this.store.removeMember(userId);
    this.members.remove(userId);
  }

  /** Runs `fn` as one transaction of the store (see `Staged.run`). */
  transact<T>(fn: () => T): T {
    return this.state.run((f) => this.store.transaction(f), fn);
  }

  /** Runs `fn` once the current transaction has committed (never if it fails); at once outside one. */
  afterCommit(fn: () => void): void {
    this.state.afterCommit(fn);
  }

  /** Stores meta, members and seq 1 (`member created`); a no-op once the log exists. */
  init(input: InitInput): { ok: true; head: number; created: boolean } {
    return this.transact(() => this.initInTx(input));
  }

  private initInTx(input: InitInput): { ok: true; head: number; created: boolean } {
    if (this.head > 0) return { ok: true, head: this.head, created: false };
    const { members, ...meta } = input;
    this.store.setMeta(meta);
    for (const m of members) this.putMember(m.userId, m.role, meta.createdAt);
    this.meta = meta;
    this.append((seq, createdAt) => ({
      seq,
      conversationId: meta.id,
      type: "member",
      senderId: meta.createdBy,
      createdAt,
      action: "created",
      userIds: members.map((m) => m.userId),
    }));
    return { ok: true, head: this.head, created: true };
  }

  /** Membership and existence, the check every entry point starts with. */
  check(userId: string): Refusal | null {
    if (!this.meta) return noConversation();
    if (!this.members.has(userId)) return notMember();
    return null;
  }

  /** Idempotent lookup first, so a retry always gets its original ack, even if rights changed since. */
  repeatOf(userId: string, clientId: string): Accepted | null {
    const prior = this.store.findByClientId(userId, clientId);
    return prior ? { ok: true, repeated: true, ...prior } : null;
  }

  /**
   * Validates rights and targets, then appends; caller has done `check` and `repeatOf`.
   * `facts`: what the change needs from outside the object (prefetch.ts),
   * gathered before this synchronous step, so nothing awaits between reading
   * head and inserting.
   */
  apply(userId: string, frame: ChangeFrame, facts: Facts = NO_FACTS): Accepted | Refusal {
    return this.transact(() => this.applyInTx(userId, frame, facts));
  }

  private applyInTx(userId: string, frame: ChangeFrame, facts: Facts): Accepted | Refusal {
    switch (frame.type) {
      case "send":
        return this.send(userId, frame, facts);
      case "edit": {
        const target = this.liveMessage(frame.target);
        if (!target) return refuse(ErrorCode.notFound, "no such message");
        if (target.senderId !== userId) return refuse(ErrorCode.forbidden, "only the sender can edit a message");
        // Its text is someone else's words, shown under their name.
        if (target.forwardedFrom) return refuse(ErrorCode.forbidden, "a forwarded message cannot be edited");
        if (codePoints(frame.text) > Limits.textMax) return refuse(ErrorCode.tooLarge, "text over 4000 characters");
        // Re-parsed: the message's mentions become the new text's. An edit notifies nobody (no new
        // message), but a mention added to a message still unread counts in that reader's badge.
        const mentions = this.mentionsIn(userId, frame.text, facts);
        if (!Array.isArray(mentions)) return mentions;
        const { mentions: _old, ...unmentioned } = target;
        return this.append(
          (seq, createdAt) => ({
            ...this.base(seq, createdAt, userId, frame.clientId),
            type: "edit",
            target: frame.target,
            text: frame.text,
            ...(mentions.length > 0 ? { mentions } : {}),
          }),
          (e) => {
            this.store.putMessage({
              ...unmentioned,
              text: frame.text,
              editedAt: e.createdAt,
              ...(mentions.length > 0 ? { mentions } : {}),
            });
            this.store.indexText(target.seq, frame.text);
            this.store.setMentions(target.seq, mentions);
          },
        );
      }
      case "delete": {
        const target = this.liveMessage(frame.target);
        if (!target) return refuse(ErrorCode.notFound, "no such message");
        const role = this.members.get(userId);
        if (target.senderId !== userId && !(role && ADMIN_ROLES.has(role))) {
          return refuse(ErrorCode.forbidden, "only the sender or an admin can delete a message");
        }
        return this.append(
          (seq, createdAt) => ({
            ...this.base(seq, createdAt, userId, frame.clientId),
            type: "delete",
            target: frame.target,
          }),
          (e) => eraseMessage(this.store, target, e.createdAt),
        );
      }
      case "react": {
        const next = reacted(this.liveMessage(frame.target), userId, frame.emoji, frame.on);
        if (!next.ok) return next;
        return this.append(
          (seq, createdAt) => ({
            ...this.base(seq, createdAt, userId, frame.clientId),
            type: "reaction",
            target: frame.target,
            emoji: frame.emoji,
            on: frame.on,
          }),
          () => this.store.putMessage(next.message),
        );
      }
      case "forward":
        return applyForward(this, userId, frame, facts);
      case "pin":
        return applyPin(this, userId, frame);
    }
  }

  private send(userId: string, frame: Extract<ChangeFrame, { type: "send" }>, facts: Facts): Accepted | Refusal {
    const { kind, text, replyTo, fileId } = frame;
    if (kind === "system") return refuse(ErrorCode.forbidden, "system messages are written by the server");
    if (text !== undefined && codePoints(text) > Limits.textMax) {
      return refuse(ErrorCode.tooLarge, "text over 4000 characters");
    }
    let file: FileRef | undefined;
    if (kind === "text") {
      if (fileId !== undefined) return refuse(ErrorCode.invalidRequest, "a text message has no fileId");
      if (text === undefined) return refuse(ErrorCode.invalidRequest, "a text message needs text");
    } else {
      if (fileId === undefined) return refuse(ErrorCode.invalidRequest, `a ${kind} message needs a fileId`);
      if (this.store.reclaimQueued(fileId)) return refuse(ErrorCode.invalidRequest, "the file was deleted");
      const found = facts.files.get(fileId);
      if (found === undefined) return refuse(ErrorCode.invalidRequest, "the file could not be checked; retry");
      const ref = fileRefFor(kind, found, this.meta?.id ?? "");
      if (!("id" in ref)) return ref;
      file = ref;
    }
    if (replyTo !== undefined && !this.store.getMessage(replyTo)) {
      return refuse(ErrorCode.invalidRequest, "replyTo is not a message of this conversation");
    }
    // Any text is parsed, a file's caption and a reply's included.
    const mentions = this.mentionsIn(userId, text, facts);
    if (!Array.isArray(mentions)) return mentions;
    const content = {
      ...(text !== undefined ? { text } : {}),
      ...(file ? { fileId: file.id, file } : {}),
      ...(replyTo !== undefined ? { replyTo } : {}),
      ...(mentions.length > 0 ? { mentions } : {}),
    };
    return this.append(
      (seq, createdAt): MessageEvent => ({
        ...this.base(seq, createdAt, userId, frame.clientId),
        type: "message",
        kind,
        ...content,
      }),
      (e) => {
        this.store.addMessage({
          seq: e.seq,
          senderId: userId,
          clientId: frame.clientId,
          kind,
          text: text ?? null,
          ...(file ? { file } : {}),
          ...(replyTo !== undefined ? { replyTo } : {}),
          ...(mentions.length > 0 ? { mentions } : {}),
          createdAt: e.createdAt,
          reactions: {},
        });
        if (mentions.length > 0) this.store.setMentions(e.seq, mentions);
      },
    );
  }

  private mentionsIn(userId: string, text: string | undefined, facts: Facts): string[] | Refusal {
    return keptMentions(text, { senderId: userId, kind: this.meta?.kind ?? "dm", members: this.members }, facts);
  }

  /** The fields every change's event starts with. */
  base(seq: number, createdAt: number, senderId: string, clientId: string) {
    return { seq, conversationId: this.meta?.id ?? "", senderId, clientId, createdAt };
  }

  private liveMessage(seq: number): Message | null {
    const m = this.store.getMessage(seq);
    return m && !m.deleted ? m : null;
  }

  /** seq = head + 1, insert, fold, head = seq: one synchronous step of the enclosing transaction. */
  append<E extends ConversationEvent>(make: (seq: number, createdAt: number) => E, fold?: (e: E) => void): Accepted {
    const staged = this.state.staged();
    const seq = staged.head + 1;
    const event = make(seq, this.now());
    const body = JSON.stringify(event);
    this.store.append({
      seq,
      createdAt: event.createdAt,
      body,
      type: event.type,
      senderId: event.senderId,
      clientId: event.clientId ?? null,
      target: "target" in event ? event.target : null,
    });
    fold?.(event);
    staged.head = seq;
    this.hooks.stored?.(seq, body);
    this.state.afterCommit(() => this.hooks.committed(seq, body));
    return { ok: true, repeated: false, seq, createdAt: event.createdAt, body };
  }
}
