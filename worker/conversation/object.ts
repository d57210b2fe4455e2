import { DurableObject } from "cloudflare:workers";
import { blockedAmong } from "../db/blocks";
import { touchConversation } from "../db/conversations";
import { getFileFacts } from "../db/files";
import { writeMemberIndex } from "../db/member-index";
import { getUsersByIds } from "../db/users";
import { type AlarmHandler, AlarmScheduler } from "../do/alarms";
import {
  closeOnError,
  closeQuietly,
  echoClose,
  notAnUpgrade,
  readUpgrade,
  type SocketAttachment,
  SocketHost,
} from "../do/socket-host";
import { reclaimFiles } from "../files/reclaim";
import { errorResponse, refusalError } from "../http/errors";
import { type ChangeFrame, CloseCode, ErrorCode, Limits, type User } from "../protocol";
import type { FanoutMessage } from "../shared/fanout";
import type { ConversationNote } from "../shared/note";
import type { SessionScope } from "../shared/scope";
import {
  type Access,
  accessOf,
  type FileAccess,
  fileAccessOf,
  type MemberPage,
  memberPage,
  type Roster,
  rosterOf,
} from "./authority";
import { DmBlocks } from "./dm-blocks";
import { type ForwardableAnswer, forwardableOf } from "./forward";
import { lookUpForward } from "./forward-lookup";
import type { Accepted, InitInput } from "./log";
import type { MemberKey } from "./member-cursor";
import { MemberIndexOutbox } from "./member-index";
import type { MemberChange, MemberChangeResult } from "./membership";
import { InboxNotifier } from "./notifier";
import { type PinsPage, pinsOf } from "./pins";
import { type FactSources, type Facts, gatherFacts, NO_FACTS, PrefetchGate, peekFrame } from "./prefetch";
import {
  type EventsPage,
  eventsPage,
  inboxNotes,
  type MessagesPage,
  type MessagesQuery,
  messagesPage,
  type Summary,
  summary,
} from "./queries";
import { type RateLimit, TokenBuckets } from "./rate-limit";
import { type Refusal, refuse } from "./results";
import { Room } from "./room";
import type { FlushClock, RoomSocket } from "./room-host";
import { SqliteLogStore } from "./sqlite-store";

/** A hibernatable WebSocket as the room sees it; its identity lives in the attachment (do/socket-host.ts). */
class AttachedSocket implements RoomSocket {
  protocolErrors = 0;
  /** In memory: after hibernation only pings (kept by the runtime) and `acceptedAt` count. */
  lastFrameAt = 0;
  constructor(
    readonly ws: WebSocket,
    private readonly host: SocketHost,
    private att: SocketAttachment,
  ) {}
  get userId() {
    return this.att.userId;
  }
  get sessionId() {
    return this.att.sessionId;
  }
  get exp() {
    return this.att.exp;
  }
  get live() {
    return this.att.live;
  }
  markLive(): void {
    this.host.markLive(this.ws);
    this.att = { ...this.att, live: true };
  }
  // A socket that is closing throws on send/close; it is about to leave anyway.
  send(text: string): void {
    try {
      this.ws.send(text);
    } catch {}
  }
  close(code: number, reason: string): void {
    closeQuietly(this.ws, code, reason);
  }
}

/** D1 `updated_at` is bookkeeping for lists: written at most once per this interval, never per message. */
const TOUCH_DELAY_MS = 5000;
/**
 * Inbox notification flushes: a few at once, then at most 2 per second under
 * sustained traffic. Each flush is one queue message per 250 members and,
 * downstream, one inbox call per member (and, for members with no inbox
 * socket, a push lookup); the changes in between coalesce into the next
 * flush. Ordinary chat never waits.
 */
const NOTIFY_ROUNDS: RateLimit = { perSecond: 2, burst: 5 };
/** How long a DM's profiles (names, avatars) are reused for its inbox notes: at most one D1 read per this. */
const PEERS_TTL_MS = 10_000;
/**
 * Between two steps of a big group's notes (notifier.ts NOTES_PER_TURN). Not
 * 0: measured locally, a 0 ms timer still let no socket frame in before the
 * next step (an expired timer seems to run before pending network input is
 * read); 2 ms does.
 */
const NOTIFY_CHUNK_GAP_MS = 2;
/** After a note reached the dead-letter queue its members are marked again and sent after this long. */
const REDELIVER_DELAY_MS = 60_000;
/** The conversation objects of one isolate share its thread, so they share the load signal (room.ts). */
const ISOLATE_FLUSH_CLOCK: FlushClock = { last: Number.NEGATIVE_INFINITY };
/** A failed file reclaim is retried after this long. */
const FILE_RECLAIM_RETRY_MS = 60_000;
/** A D1 index write not answered by then is retried by the alarm (member-index.ts). */
const INDEX_WRITE_TIMEOUT_MS = 10_000;

export type RpcResult<T> = T | Refusal;

/**
 * Platform glue: sockets, attachments, SQLite and alarms. The conversation
 * logic is `Room` (live side) and `ConversationLog` (ordering, folding).
 * Nothing here survives hibernation except SQLite and attachments; the rate
 * buckets and typing throttles are in memory and simply restart.
 */
/** A socket frame on its way through the lookup gate; `reserved` when its lookup counts in `lookupsInFlight`. */
interface LookupInput {
  data: string | ArrayBuffer;
  userId: string;
  reserved: boolean;
}

export class ConversationObject extends DurableObject<Env> {
  readonly room: Room;
  readonly notifier: InboxNotifier;
  /** Where the notifier's messages go: the fan-out queue; what the fan-out tests replace. */
  readonly fanoutQueue: { send(batch: FanoutMessage[]): Promise<void> };
  private readonly host: SocketHost;
  /** One platform alarm for the socket sweep, inbox notes, file reclaim, the D1 touch and the member index (do/alarms.ts). */
  private readonly alarms: AlarmScheduler<"sweep" | "notify" | "reclaim" | "touch" | "index">;
  /** The outbox to D1's member index; its `writer` is what fault tests replace. */
  readonly memberIndex: MemberIndexOutbox;
  private readonly dmBlocks: DmBlocks;
  private readonly wrapped = new WeakMap<WebSocket, AttachedSocket>();
  private touchScheduled = false;
  private readonly notifyRounds = new TokenBuckets(NOTIFY_ROUNDS);
  private markedThisTurn = false;
  /** A DM's two users, for `peer` in summaries; profiles change rarely and a restart refreshes them. */
  private peers: Map<string, User> | null = null;
  private peersAt = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.host = new SocketHost(ctx, () => Number(env.HEARTBEAT_TIMEOUT_MS) || Limits.heartbeatTimeoutMs);
    this.alarms = new AlarmScheduler(
      ctx.storage,
      new Map<"sweep" | "notify" | "reclaim" | "touch" | "index", AlarmHandler>([
        ["sweep", (now) => this.sweep(now)],
        [
          "notify",
          async () => {
            if (this.notifier.hasWork()) await this.notifier.flush();
            return null;
          },
        ],
        ["reclaim", async () => ((await this.reclaimFiles()) ? null : Date.now() + FILE_RECLAIM_RETRY_MS)],
        ["touch", () => this.touch()],
        [
          "index",
          async () => {
            await this.flushMemberIndex();
            return null;
          },
        ],
      ]),
    );
    // First: it applies the object's SQLite migrations, which the notifier's tables need.
    const store = new SqliteLogStore(ctx.storage);
    this.memberIndex = new MemberIndexOutbox(
      {
        sql: ctx.storage.sql,
        transaction: (fn) => ctx.storage.transactionSync(fn),
        conversation: () => {
          const { meta, members } = this.room.log;
          return meta && { id: meta.id, title: meta.title, memberCount: members.size };
        },
        retryLater: (ms) => void this.alarms.schedule("index", Date.now() + ms),
      },
      { write: (w) => writeMemberIndex(this.env.DB, w), timeoutMs: INDEX_WRITE_TIMEOUT_MS },
    );
    this.dmBlocks = new DmBlocks(ctx.storage.sql);
    this.fanoutQueue = {
      send: async (batch) => {
        await env.FANOUT.sendBatch(batch.map((body) => ({ body, contentType: "json" })));
      },
    };
    this.notifier = new InboxNotifier({
      sql: ctx.storage.sql,
      transaction: (fn) => ctx.storage.transactionSync(fn),
      members: () => this.room.log.members.keys(),
      prepare: async () => {
        if (!this.notifyRounds.take("rounds", Date.now())) {
          // Changes made meanwhile join this flush (the notifier reads them after `prepare`).
          await new Promise((resolve) => setTimeout(resolve, 1000 / NOTIFY_ROUNDS.perSecond));
          this.notifyRounds.take("rounds", Date.now());
        }
        await this.loadPeers();
      },
      notes: (userIds) => inboxNotes(this.room.log, userIds, this.peers ?? new Map()),
      send: (batch) => this.fanoutQueue.send(batch),
      retryLater: (ms) => void this.alarms.schedule("notify", Date.now() + ms),
      pause: () => new Promise((resolve) => setTimeout(resolve, NOTIFY_CHUNK_GAP_MS)),
    });
    this.room = new Room(
      store,
      { sockets: () => this.sockets() },
      {
        now: () => Date.now(),
        schedule: (fn) => setTimeout(fn, 0),
        delay: (fn, ms) => setTimeout(fn, ms),
        scheduleSoon: (fn) => queueMicrotask(fn),
        flushClock: ISOLATE_FLUSH_CLOCK,
        rateLimit: {
          perSecond: Number(env.SEND_RATE_PER_SECOND) || Limits.sendsPerSecond,
          burst: Number(env.SEND_BURST) || Limits.sendBurst,
        },
        frameBudget: {
          perSecond: Number(env.FRAME_RATE_PER_SECOND) || Limits.framesPerSecond,
          burst: Number(env.FRAME_BURST) || Limits.frameBurst,
        },
        // Both run inside the change's transaction: the inbox marks commit with it or not at
        // all, and the rest (timers, waking the notifier) waits until it has committed.
        onAppend: () => {
          // One durable mark per turn covers every event appended in it (a batch shares one commit).
          if (this.markedThisTurn) return;
          this.notifier.markAll();
          this.room.log.afterCommit(() => {
            this.scheduleTouch();
            this.notifier.wake();
            if (this.markedThisTurn) return;
            this.markedThisTurn = true;
            queueMicrotask(() => {
              this.markedThisTurn = false;
            });
          });
        },
        onRead: (userId) => {
          this.notifier.markUsers([userId]);
          this.room.log.afterCommit(() => {
            this.notifier.wake();
            // Durable backup: if the object is evicted before the coalescing timer fires, the alarm delivers.
            void this.alarms.schedule("notify", Date.now() + TOUCH_DELAY_MS);
          });
        },
        silenced: () => this.dmBlocks.any,
      },
    );
  }

  private wrap(ws: WebSocket): AttachedSocket | null {
    let s = this.wrapped.get(ws);
    if (!s) {
      const att = this.host.attachment(ws);
      if (!att) return null;
      s = new AttachedSocket(ws, this.host, att);
      this.wrapped.set(ws, s);
    }
    return s;
  }

  /**
   * The fan-out's socket list, built once and kept until a socket is
   * accepted or leaves: a generator over `getWebSockets()` per flush was a
   * third of this object's own allocation per message, and under light load
   * that garbage sets how often V8 stops the isolate (docs/benchmarks.md,
   * round 6). A socket that is closing stays listed until its close event,
   * as it does in `getWebSockets()`; a send to it is a no-op.
   */
  private socketList: AttachedSocket[] | null = null;

  private sockets(): readonly RoomSocket[] {
    if (this.socketList) return this.socketList;
    const list: AttachedSocket[] = [];
    for (const ws of this.ctx.getWebSockets()) {
      const s = this.wrap(ws);
      if (s) list.push(s);
    }
    this.socketList = list;
    return list;
  }

  /** The upgrade, forwarded by the Worker after it authenticated the caller. */
  override async fetch(req: Request): Promise<Response> {
    const up = readUpgrade(req);
    if (!up) return notAnUpgrade();
    const denied = this.room.log.check(up.userId);
    if (denied) return errorResponse(refusalError(denied));
    const open = this.ctx.getWebSockets(`u:${up.userId}`).length;
    const { socket, attachment, response } = this.host.accept(up, [`u:${up.userId}`, `s:${up.sessionId}`], {
      open,
      max: Limits.socketsPerUserPerConversation,
      reason: "too many sockets",
    });
    this.socketList = null;
    if (socket) await this.alarms.schedule("sweep", this.host.firstDeadline(attachment));
    return response;
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> | undefined {
    const s = this.wrap(ws);
    if (!s) {
      ws.close(CloseCode.protocolViolation, "unknown socket");
      return undefined;
    }
    // Any frame shows the client is alive (the ping text itself never reaches here).
    s.lastFrameAt = Date.now();
    // Size and frame budget first: a refused frame costs no D1 read.
    if (!this.room.admitFrame(s, message)) return undefined;
    // A file send reads D1 first, a forward asks its source; the gate keeps frame order (see prefetch.ts).
    const frame: LookupInput = { data: message, userId: s.userId, reserved: false };
    return this.prefetch.run(frame, (facts) => {
      try {
        this.room.handle(s, message, facts);
      } finally {
        if (frame.reserved) this.releaseLookup(s.userId);
      }
    });
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    this.socketList = null;
    this.forget(ws);
    echoClose(ws, code);
  }

  override webSocketError(ws: WebSocket): void {
    this.socketList = null;
    this.forget(ws);
    closeOnError(ws);
  }

  private forget(ws: WebSocket): void {
    const s = this.wrapped.get(ws);
    if (s) this.room.socketGone(s);
  }

  /**
   * A DM's two profiles for its inbox notes, read again once they are
   * PEERS_TTL_MS old: a renamed user or a new avatar reaches the other
   * side's list with the next note after that, not when this object next
   * leaves memory.
   */
  private async loadPeers(): Promise<void> {
    if (this.room.log.meta?.kind !== "dm") return;
    if (this.peers && Date.now() - this.peersAt < PEERS_TTL_MS) return;
    this.peers = await getUsersByIds(this.env.DB, this.room.log.members.keys());
    this.peersAt = Date.now();
  }

  /** The sweep (do/socket-host.ts), counting the frames this incarnation saw as signs of life. */
  private sweep(now: number): number | null {
    return this.host.sweep(
      now,
      (ws, code, reason) => {
        this.forget(ws);
        this.wrap(ws)?.close(code, reason);
      },
      (ws) => this.wrapped.get(ws)?.lastFrameAt ?? 0,
    );
  }

  /** The first append since the last touch: the D1 touch, with the inbox notes' and file reclaim's backup. */
  private scheduleTouch(): void {
    if (this.touchScheduled) return;
    this.touchScheduled = true;
    const at = Date.now() + TOUCH_DELAY_MS;
    for (const name of ["notify", "reclaim", "touch"] as const) void this.alarms.schedule(name, at);
  }

  /** D1 `updated_at` follows the newest event. */
  private async touch(): Promise<null> {
    this.touchScheduled = false;
    const { meta, head, store } = this.room.log;
    const updatedAt = store.getEvent(head)?.createdAt;
    if (meta && updatedAt !== undefined) await touchConversation(this.env.DB, meta.id, updatedAt);
    return null;
  }

  override alarm(): Promise<void> {
    return this.alarms.run();
  }

  // ---------- RPC (Worker -> object); each method checks the caller's membership ----------

  /** Creates the log once; its members reach D1's index through the outbox (see `syncIndex`). */
  init(input: InitInput): { ok: true; head: number; created: boolean } {
    const { log } = this.room;
    return log.transact(() => {
      const r = log.init(input);
      if (r.created) this.memberIndex.mark(input.members.map((m) => m.userId));
      log.afterCommit(() => void this.flushMemberIndex());
      return r;
    });
  }

  /**
   * Waits until D1's index holds every membership change committed so far,
   * or its write failed (then the alarm retries and this answers false).
   * Routes call it after a change so "my conversations" reads its own writes;
   * access never depends on it.
   */
  async syncIndex(): Promise<boolean> {
    return this.memberIndex.hasWork() ? this.memberIndex.flush() : true;
  }

  /** The caller's role, or the refusal every content route answers with: the one member check. */
  access(userId: string): RpcResult<Access> {
    return accessOf(this.room.log, userId, this.dmBlocks.any);
  }

  /** The conversation and its members as this object holds them (GET /api/conversations/:id). */
  roster(userId: string): RpcResult<Roster> {
    return rosterOf(this.room.log, this.ctx.storage.sql, userId);
  }

  /** One page of the member list after `after` (GET /api/conversations/:id/members). */
  memberPage(userId: string, after: MemberKey | null, limit: number): RpcResult<MemberPage> {
    return memberPage(this.room.log, this.ctx.storage.sql, userId, after, limit);
  }

  /**
   * A block between the DM's two members, stored here before PUT/DELETE
   * /api/blocks answers: from this commit on, `silenced` holds for both.
   */
  setBlock(blockerId: string, blockedId: string, on: boolean): RpcResult<{ ok: true; blocked: boolean }> {
    const { log } = this.room;
    const denied = log.check(blockerId);
    if (denied) return denied;
    if (log.meta?.kind !== "dm" || !log.members.has(blockedId)) {
      return refuse(ErrorCode.invalidRequest, "not this DM's other member");
    }
    log.transact(() => {
      this.dmBlocks.set(blockerId, blockedId, on);
      log.afterCommit(() => this.dmBlocks.refresh());
    });
    return { ok: true, blocked: this.dmBlocks.any };
  }

  events(userId: string, after: number, limit: number): RpcResult<EventsPage> {
    return eventsPage(this.room.log, userId, after, limit);
  }

  messages(userId: string, query: MessagesQuery): RpcResult<MessagesPage> {
    return messagesPage(this.room.log, userId, query);
  }

  /** Same path as a socket change frame (its lookups first, prefetch.ts); fans out to live sockets. */
  async post(userId: string, frame: ChangeFrame): Promise<RpcResult<Accepted>> {
    const pending = this.lookUp(frame, userId);
    if (pending === null) return this.room.change(userId, frame, NO_FACTS);
    try {
      return this.room.change(userId, frame, await pending);
    } finally {
      this.releaseLookup(userId);
    }
  }

  changeMembers(actorId: string, change: MemberChange): RpcResult<MemberChangeResult> {
    const { log } = this.room;
    // One transaction: the change (which joins it), the inbox marks and the index marks it implies.
    return log.transact(() => {
      const result = this.room.changeMembers(actorId, change);
      // Nothing changed (an add of members all in already): nothing to mark or tell.
      if (!result.ok || result.event === null) return result;
      const changed = indexMarks(change, result);
      this.memberIndex.mark(changed);
      // The event marked every current member; those who left must hear it too.
      if (result.removed.length > 0) this.notifier.markUsers(result.removed);
      this.notifier.parked.forget(changed, (fn) => log.afterCommit(fn));
      log.afterCommit(() => {
        this.notifier.wake();
        void this.flushMemberIndex();
      });
      return result;
    });
  }

  /**
   * An inbox that answered "parked" wants to be told again (its user is
   * back): later flushes include the user, and this answers the note the
   * skipped flushes did not send (null when the conversation does not exist).
   */
  async unpark(userId: string, epoch: number): Promise<ConversationNote | null> {
    this.notifier.parked.unpark(userId, epoch);
    await this.loadPeers();
    return inboxNotes(this.room.log, [userId], this.peers ?? new Map()).get(userId) ?? null;
  }

  /** A forward's source side: message `seq` as `userId` may copy it elsewhere (forward.ts). */
  forwardable(userId: string, seq: number): RpcResult<ForwardableAnswer> {
    return forwardableOf(this.room.log, userId, seq);
  }

  /** Whether `userId` reads a file of another conversation through a forward here (authority.ts). */
  fileAccess(userId: string, fileId: string): RpcResult<FileAccess> {
    return fileAccessOf(this.room.log, userId, fileId);
  }

  /** The pinned messages with their folded state (GET /api/conversations/:id/pins). */
  pins(userId: string): RpcResult<PinsPage> {
    return pinsOf(this.room.log, userId);
  }

  /** The fan-out consumer relays the inboxes that answered "parked", each with its park epoch (parking.ts). */
  parked(answers: { userId: string; epoch: number }[]): { ok: true } {
    this.ctx.storage.transactionSync(() => {
      for (const a of answers) this.notifier.parked.park(a.userId, a.epoch);
    });
    return { ok: true };
  }

  /**
   * Notes for these members reached the dead-letter queue (their inbox calls
   * kept failing): mark them again, durably, and send their then-current
   * notes after a pause, through the alarm (fanout/dead-letters.ts).
   */
  async redeliver(userIds: string[]): Promise<{ ok: true }> {
    this.ctx.storage.transactionSync(() => this.notifier.markUsers(userIds));
    await this.alarms.schedule("notify", Date.now() + REDELIVER_DELAY_MS);
    return { ok: true };
  }

  summary(userId: string): RpcResult<Summary> {
    return summary(this.room.log, userId);
  }

  closeSessions(userId: string, scope: SessionScope): { ok: true; closed: number } {
    return { ok: true, closed: this.room.closeSessions(userId, scope) };
  }

  /** Delivers pending index marks, if any; a failure is retried by the alarm (member-index.ts). */
  private async flushMemberIndex(): Promise<void> {
    if (this.memberIndex.hasWork()) await this.memberIndex.flush();
  }

  // ---------- file messages (issue 5) ----------

  /** Where the pre-append lookups read (prefetch.ts): D1 through its module, a forward's source by RPC. */
  private readonly factSources: FactSources = {
    file: (fileId) => getFileFacts(this.env.DB, fileId),
    forward: (userId, source) => lookUpForward(this.env, this.room.log, userId, source),
    // Blocks are social relations, kept in D1: asked only for other members a group text mentions.
    mentionBlocks: (senderId, userIds) => {
      const { meta, members } = this.room.log;
      const asked = userIds.filter((id) => id !== senderId && members.has(id));
      if (meta?.kind !== "group" || asked.length === 0) return null;
      return blockedAmong(this.env.DB, senderId, asked).then((blocked) => ({ checked: new Set(asked), blocked }));
    },
  };
  /**
   * Whether a change of `userId` may cost a lookup (a D1 read, a forward's
   * RPC): only a member with send budget left, since the apply refuses any
   * other anyway; the socket budget alone let 6x the send burst through.
   */
  private mayLookUp(userId: string): boolean {
    const inFlight = this.lookupsInFlight.get(userId) ?? 0;
    return this.room.log.members.has(userId) && this.room.buckets.has(userId, Date.now(), inFlight);
  }

  /**
   * Lookups started whose change has not been applied yet, per user: each
   * will take a send token. Released at the apply, not when the lookup
   * settles: a settled lookup may still wait in the gate behind earlier
   * frames, and counting it free then let more lookups start than the send
   * budget would ever accept.
   */
  private readonly lookupsInFlight = new Map<string, number>();

  /** `gatherFacts`, counted in `lookupsInFlight` until `releaseLookup`, if `userId` may look up at all. */
  private lookUp(frame: Parameters<typeof gatherFacts>[0], userId: string): Promise<Facts> | null {
    if (!this.mayLookUp(userId)) return null;
    const pending = gatherFacts(frame, userId, this.factSources);
    if (pending === null) return null;
    this.lookupsInFlight.set(userId, (this.lookupsInFlight.get(userId) ?? 0) + 1);
    return pending;
  }

  private releaseLookup(userId: string): void {
    const left = (this.lookupsInFlight.get(userId) ?? 1) - 1;
    if (left > 0) this.lookupsInFlight.set(userId, left);
    else this.lookupsInFlight.delete(userId);
  }

  /** Socket frames' lookups, in frame order; none for a sender who is no member (the room closes that socket). */
  private readonly prefetch = new PrefetchGate<LookupInput>((frame) => {
    const peeked = peekFrame(frame.data);
    const pending = peeked ? this.lookUp(peeked, frame.userId) : null;
    frame.reserved = pending !== null;
    return pending;
  });

  /** Bytes of files whose last message was deleted; false when some must be retried. */
  reclaimFiles(): Promise<boolean> {
    const id = this.room.log.meta?.id;
    return id === undefined ? Promise.resolve(true) : reclaimFiles(this.env, this.room.log.store, id);
  }
}

/** The members whose index rows a change rewrites (a rename rewrites only the title). */
function indexMarks(change: MemberChange, result: MemberChangeResult): string[] {
  switch (change.action) {
    case "added":
      return result.added;
    case "removed":
      return result.newOwner === undefined ? [change.userId] : [change.userId, result.newOwner];
    case "role":
      return [change.userId];
    case "renamed":
      return [];
  }
}
