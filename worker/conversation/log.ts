import {
  type ChangeFrame,
  type ConversationEvent,
  type EditEvent,
  ErrorCode,
  type FileRef,
  Limits,
  type Message,
  type MessageEvent,
  type Role,
} from "../protocol";
import { type FileFacts, fileRefFor, NO_FILES } from "./message-file";
import { noConversation, notMember, type Refusal, refuse } from "./results";
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

/** What erasure removes from the stored body of a deleted message's event, and of each of its edits. */
const ERASED_FROM_MESSAGE = ["text", "fileId", "file"] as const satisfies readonly (keyof MessageEvent)[];
const ERASED_FROM_EDIT = ["text"] as const satisfies readonly (keyof EditEvent)[];

/** A stored event body (JSON this log wrote) without the named fields; a body that is not an object stays as it is. */
function withoutFields(body: string, fields: readonly string[]): string {
  const parsed: unknown = JSON.parse(body);
  if (typeof parsed !== "object" || parsed === null) return body;
  // biome-ignore lint/plugin: own entries into a fresh object only serialized again, never indexed by a key.
  return JSON.stringify(Object.fromEntries(Object.entries(parsed).filter(([k]) => !fields.includes(k))));
}

/**
 * The ordered log of one conversation and its folded `messages` view. Every
 * method is synchronous: seq assignment reads `head` and inserts the event
 * with no await in between, which is what makes seq gap-free and unique.
 */
export class ConversationLog {
  head: number;
  meta: RoomMeta | null;
  members: Map<string, Role>;

  constructor(
    readonly store: LogStore,
    private readonly now: () => number,
    /** Called with each new event's JSON in seq order, in the turn that stored it. */
    private readonly onAppend: (seq: number, body: string) => void,
  ) {
    this.head = store.head();
    this.meta = store.getMeta();
    this.members = store.members();
  }

  /** Stores meta, members and seq 1 (`member created`); a no-op once the log exists. */
  init(input: InitInput): { ok: true; head: number; created: boolean } {
    if (this.head > 0) return { ok: true, head: this.head, created: false };
    const { members, ...meta } = input;
    this.store.setMeta(meta);
    for (const m of members) this.store.putMember(m.userId, m.role, meta.createdAt);
    this.meta = meta;
    this.members = this.store.members();
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
   * `files`: D1 facts of the file a send references, read before this
   * synchronous step, so nothing awaits between reading head and inserting.
   */
  apply(
    userId: string,
    frame: ChangeFrame,
    files: ReadonlyMap<string, FileFacts | null> = NO_FILES,
  ): Accepted | Refusal {
    switch (frame.type) {
      case "send":
        return this.send(userId, frame, files);
      case "edit": {
        const target = this.liveMessage(frame.target);
        if (!target) return refuse(ErrorCode.notFound, "no such message");
        if (target.senderId !== userId) return refuse(ErrorCode.forbidden, "only the sender can edit a message");
        if (codePoints(frame.text) > Limits.textMax) return refuse(ErrorCode.tooLarge, "text over 4000 characters");
        return this.append(
          (seq, createdAt) => ({
            ...this.base(seq, createdAt, userId, frame.clientId),
            type: "edit",
            target: frame.target,
            text: frame.text,
          }),
          (e) => {
            this.store.putMessage({ ...target, text: frame.text, editedAt: e.createdAt });
            this.store.indexText(target.seq, frame.text);
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
          (e) => this.erase(target, e.createdAt),
        );
      }
      case "react": {
        const target = this.liveMessage(frame.target);
        if (!target) return refuse(ErrorCode.notFound, "no such message");
        return this.append(
          (seq, createdAt) => ({
            ...this.base(seq, createdAt, userId, frame.clientId),
            type: "reaction",
            target: frame.target,
            emoji: frame.emoji,
            on: frame.on,
          }),
          () => {
            const users = new Set(target.reactions[frame.emoji] ?? []);
            if (frame.on) users.add(userId);
            else users.delete(userId);
            const reactions = { ...target.reactions };
            if (users.size > 0) reactions[frame.emoji] = [...users];
            else delete reactions[frame.emoji];
            this.store.putMessage({ ...target, reactions });
          },
        );
      }
    }
  }

  private send(
    userId: string,
    frame: Extract<ChangeFrame, { type: "send" }>,
    files: ReadonlyMap<string, FileFacts | null>,
  ): Accepted | Refusal {
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
      const facts = files.get(fileId);
      if (facts === undefined) return refuse(ErrorCode.invalidRequest, "the file could not be checked; retry");
      const ref = fileRefFor(kind, facts, this.meta?.id ?? "");
      if (!("id" in ref)) return ref;
      file = ref;
    }
    if (replyTo !== undefined && !this.store.getMessage(replyTo)) {
      return refuse(ErrorCode.invalidRequest, "replyTo is not a message of this conversation");
    }
    const content = {
      ...(text !== undefined ? { text } : {}),
      ...(file ? { fileId: file.id, file } : {}),
      ...(replyTo !== undefined ? { replyTo } : {}),
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
          createdAt: e.createdAt,
          reactions: {},
        });
      },
    );
  }

  /**
   * Deleted content is erased, not hidden: the folded row, the search index,
   * and the stored bodies of the message event and of every edit of it lose
   * their text and file reference, so no read or replay can return them.
   * A file no live message references any more is queued for reclaiming.
   */
  private erase(target: Message, at: number): void {
    const { file, ...rest } = target;
    this.store.putMessage({ ...rest, text: null, deleted: true });
    this.store.indexText(target.seq, null);
    const stored = this.store.getEvent(target.seq);
    if (stored) this.store.rewriteEvent(stored.seq, withoutFields(stored.body, ERASED_FROM_MESSAGE));
    for (const edit of this.store.eventsTargeting(target.seq, "edit")) {
      this.store.rewriteEvent(edit.seq, withoutFields(edit.body, ERASED_FROM_EDIT));
    }
    if (file && !this.store.fileReferenced(file.id)) this.store.queueReclaim(file.id, at);
  }

  private base(seq: number, createdAt: number, senderId: string, clientId: string) {
    return { seq, conversationId: this.meta?.id ?? "", senderId, clientId, createdAt };
  }

  private liveMessage(seq: number): Message | null {
    const m = this.store.getMessage(seq);
    return m && !m.deleted ? m : null;
  }

  /** seq = head + 1, insert, fold, head = seq: one synchronous step. */
  append<E extends ConversationEvent>(make: (seq: number, createdAt: number) => E, fold?: (e: E) => void): Accepted {
    const seq = this.head + 1;
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
    this.head = seq;
    this.onAppend(seq, body);
    return { ok: true, repeated: false, seq, createdAt: event.createdAt, body };
  }
}
