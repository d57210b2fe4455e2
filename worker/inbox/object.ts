import { DurableObject } from "cloudflare:workers";
import { listFriendPresenceSubjects } from "../db/friends";
import { countSubscriptions } from "../db/push";
import { getUsersByIds, setLastSeen } from "../db/users";
import { type AlarmHandler, AlarmScheduler } from "../do/alarms";
import { readPresences } from "../do/presence";
import { closeOnError, closeQuietly, echoClose, notAnUpgrade, readUpgrade, SocketHost } from "../do/socket-host";
import { conversationStub } from "../do/stubs";
import {
  CloseCode,
  type ConversationSettings,
  type ConversationSummary,
  ErrorCode,
  type Friend,
  type FriendRequest,
  type InboxServerFrame,
  Limits,
  type SettingsPatch,
  type User,
} from "../protocol";
import { type PushPayload, sendPush } from "../push/send";
import type { ConversationNote } from "../shared/note";
import { inScope, type SessionScope } from "../shared/scope";
import { frameBytes } from "../shared/utf8";
import { broadcastPresence } from "./presence-sync";
import { pushPayloadFor, pushTiming } from "./push-hook";
import { overlay, SettingsTable } from "./settings";
import { type EpochPresence, InboxStore } from "./store";

const PROTOCOL_ERRORS_MAX = 10;
const frame = (f: InboxServerFrame) => JSON.stringify(f);

/**
 * One per user: that user's inbox sockets, presence, conversation summaries
 * (pushed by conversation objects) and friend notifications. Glue only; the
 * storage rules are in `InboxStore`, the cross-inbox presence in presence-sync.
 */
type NoteAnswer = { ok: true; applied: boolean; parkedAt?: number };

export class InboxObject extends DurableObject<Env> {
  readonly store: InboxStore;
  /** The user's mute and pin per conversation, laid over every summary this inbox shows or pushes. */
  readonly settings: SettingsTable;
  private readonly host: SocketHost;
  /** One platform alarm for the socket sweep and held pushes (do/alarms.ts). */
  private readonly alarms: AlarmScheduler<"sweep" | "push">;
  private readonly protocolErrors = new WeakMap<WebSocket, number>();
  /** The D1 read of the subscription count in flight, shared by every note that needs it. */
  private subscriptionLookup: Promise<boolean> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new InboxStore(ctx.storage.sql);
    this.settings = new SettingsTable(ctx.storage.sql);
    this.host = new SocketHost(ctx, () => Number(env.HEARTBEAT_TIMEOUT_MS) || Limits.heartbeatTimeoutMs);
    this.alarms = new AlarmScheduler(
      ctx.storage,
      new Map<"sweep" | "push", AlarmHandler>([
        ["sweep", (now) => this.sweep(now)],
        ["push", (now) => this.sendHeldPushes(now)],
      ]),
    );
  }

  /** Open sockets that count for presence (a closing one, or `except`, does not). */
  private openSockets(except?: WebSocket): WebSocket[] {
    return this.host.open(except);
  }

  private broadcast(f: InboxServerFrame): void {
    const text = frame(f);
    for (const ws of this.ctx.getWebSockets()) {
      if (!this.host.attachment(ws)?.live) continue;
      try {
        ws.send(text);
      } catch {}
    }
  }

  /** Online while one socket is open; each change goes to D1 (offline) and to every friend's inbox. */
  private updatePresence(except?: WebSocket): void {
    const userId = this.store.userId();
    if (!userId) return;
    const now = Date.now();
    const changed = this.store.setOnline(this.openSockets(except).length > 0, now);
    if (!changed) return;
    this.ctx.waitUntil(this.announce(userId, changed));
  }

  private async announce(userId: string, p: EpochPresence): Promise<void> {
    try {
      if (p.status === "offline") {
        await setLastSeen(this.env.DB, userId, p.lastSeenAt);
      }
      await broadcastPresence(this.env, userId, p);
    } catch (err) {
      console.error("presence announce failed", err instanceof Error ? err.name : "non-error");
    }
  }

  /** The upgrade, forwarded by the Worker after it authenticated the caller. */
  override async fetch(req: Request): Promise<Response> {
    const up = readUpgrade(req);
    if (!up || !this.store.claim(up.userId)) return notAnUpgrade();
    const { socket, attachment, response } = this.host.accept(up, [`s:${up.sessionId}`], {
      open: this.openSockets().length,
      max: Limits.inboxSocketsPerUser,
      reason: "too many inbox sockets",
    });
    if (!socket) return response;
    this.updatePresence();
    await this.alarms.schedule("sweep", this.host.firstDeadline(attachment));
    await this.refreshFriends(up.userId);
    // This socket is open now, so no conversation can park the inbox again meanwhile.
    await this.refreshParked(up.userId);
    const peers = await this.currentPeers();
    // Snapshot and going live in one synchronous step: no change frame can slip between them.
    try {
      socket.send(
        frame({
          type: "welcome",
          conversations: this.shown(peers),
          friends: this.store.friends(),
        }),
      );
      this.host.markLive(socket);
    } catch {}
    return response;
  }

  /** Re-reads friends (D1) and their presence (their inboxes), so a lost presence call heals on connect. */
  private async refreshFriends(userId: string): Promise<void> {
    try {
      const rows = await listFriendPresenceSubjects(this.env.DB, userId);
      this.store.keepFriends(new Set(rows.map((r) => r.id)));
      const presences = await readPresences(this.env, rows);
      for (const [id, p] of presences) this.store.putFriend(id, p, true);
    } catch (err) {
      console.error("friend refresh failed", err instanceof Error ? err.name : "non-error");
    }
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    if (frameBytes(message, Limits.frameMaxBytes) > Limits.frameMaxBytes) {
      ws.close(CloseCode.frameTooBig, "frame over 64 KiB");
      return;
    }
    const errors = (this.protocolErrors.get(ws) ?? 0) + 1;
    this.protocolErrors.set(ws, errors);
    if (errors >= PROTOCOL_ERRORS_MAX) {
      ws.close(CloseCode.protocolViolation, "the inbox socket takes only the ping text");
      return;
    }
    try {
      ws.send(
        frame({ type: "error", code: ErrorCode.invalidRequest, message: "the inbox socket takes only the ping text" }),
      );
    } catch {}
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    echoClose(ws, code);
    this.updatePresence(ws);
  }

  override webSocketError(ws: WebSocket): void {
    closeOnError(ws);
    this.updatePresence(ws);
  }

  /**
   * Socket sweep (do/socket-host.ts): a socket silent for the timeout is gone
   * (silent drop, presence goes offline), one past its token's expiry is
   * closed with 4001 even if it pings.
   */
  private sweep(now: number): number | null {
    const next = this.host.sweep(now, closeQuietly);
    this.updatePresence();
    return next;
  }

  override alarm(): Promise<void> {
    return this.alarms.run();
  }

  // ---------- RPC (Worker and other objects -> this inbox); `userId` is whose inbox the caller meant ----------

  /**
   * `parkedAt`: nobody reads this inbox (no socket, no push subscription), so
   * the conversation may skip it until `refreshParked` (conversation/parking.ts).
   */
  async conversationChanged(userId: string, note: ConversationNote): Promise<NoteAnswer> {
    // The bench's model of a cross-region call (0 when deployed): waited here, in the callee, because
    // workerd fires a caller's timers one at a time behind its in-flight calls, which ran 1,000
    // "parallel" delayed calls almost one after another (docs/benchmarks.md).
    const delayMs = Math.max(0, Number(this.env.INBOX_CALL_DELAY_MS) || 0);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return this.applyConversationNote(userId, note);
  }

  /** One synchronous step: claim, store, tell the sockets or park. */
  private applyConversationNote(userId: string, note: ConversationNote): NoteAnswer {
    if (!this.store.claim(userId)) return { ok: true, applied: false };
    const { applied, previous } = this.takeNote(note);
    if (!("summary" in note)) return { ok: true, applied };
    if (this.openSockets().length === 0) {
      const subscriptions = this.store.pushSubscriptions().n;
      if (subscriptions === 0) return { ok: true, applied, parkedAt: this.store.park(note.conversationId) };
      // Not known yet (a user who only sends never triggers a push): learn it, so a later note can park.
      if (subscriptions === null) this.ctx.waitUntil(this.hasPushSubscriptions(userId).catch(() => false));
    }
    if (!applied) return { ok: true, applied };
    const notified = Math.max(previous?.lastMessage?.seq ?? 0, this.store.pushWindow(note.conversationId)?.seq ?? 0);
    const payload = pushPayloadFor(userId, this.withSettings(note.summary), notified);
    // Only a user with no open inbox socket gets a push; never awaited by the conversation.
    if (payload && this.openSockets().length === 0) this.ctx.waitUntil(this.push(userId, payload));
    return { ok: true, applied };
  }

  /** Stores a newer note and tells the live sockets. */
  private takeNote(note: ConversationNote): ReturnType<InboxStore["applyNote"]> {
    // A removal and the drop of the user's settings for it commit together.
    const result = this.ctx.storage.transactionSync(() => {
      const r = this.store.applyNote(note);
      if (r.applied && !("summary" in note)) this.settings.drop(note.conversationId);
      return r;
    });
    if (result.applied) {
      this.broadcast(
        "summary" in note
          ? { type: "conversation", conversation: this.withSettings(note.summary) }
          : { type: "conversation_removed", conversationId: note.conversationId },
      );
    }
    return result;
  }

  private withSettings(summary: ConversationSummary): ConversationSummary {
    return overlay(summary, this.settings.get(summary.id, Date.now()));
  }

  /**
   * Every live summary as this user sees it (settings laid over). `peers`
   * replaces a DM's stored peer: profiles are D1's, and the stored copy is
   * as old as the last note, so a rename or a new avatar would wait for the
   * next message.
   */
  private shown(peers: ReadonlyMap<string, User> = new Map()): ConversationSummary[] {
    const settings = this.settings.all(Date.now());
    return this.store.summaries().map((s) => {
      const peer = s.peer && peers.get(s.peer.id);
      return overlay(peer ? { ...s, peer } : s, settings.get(s.id) ?? { muted: false, pinned: false });
    });
  }

  /** The DM peers' profiles as D1 has them now; none when D1 cannot answer (the stored ones then stand). */
  private async currentPeers(): Promise<Map<string, User>> {
    const ids = this.store.summaries().flatMap((s) => (s.peer ? [s.peer.id] : []));
    if (ids.length === 0) return new Map();
    try {
      return await getUsersByIds(this.env.DB, ids);
    } catch (err) {
      console.error("peer profiles not read", err instanceof Error ? err.name : "non-error");
      return new Map();
    }
  }

  private refreshes: Promise<void> = Promise.resolve();

  /**
   * Someone reads this inbox again (a socket, the REST list, a push
   * subscription): every conversation that skipped it sends its current
   * note and includes it again. One refresh at a time, each after the last.
   */
  private refreshParked(userId: string): Promise<void> {
    this.refreshes = this.refreshes.then(() => this.refreshOnce(userId));
    return this.refreshes;
  }

  private async refreshOnce(userId: string): Promise<void> {
    const ids = this.store.parkedConversations();
    if (ids.length === 0) return;
    const epoch = this.store.nextParkEpoch();
    await Promise.all(
      ids.map(async (id) => {
        try {
          const note = await conversationStub(this.env, id).unpark(userId, epoch);
          this.store.unparked(id);
          if (note) this.takeNote(note);
        } catch (err) {
          // Stays parked here, so the next refresh asks again.
          console.error("inbox refresh failed", err instanceof Error ? err.name : "non-error");
        }
      }),
    );
    // "Parked" answers from now on are newer than this refresh (conversation/parking.ts).
    this.store.nextParkEpoch();
  }

  /** Sends now, or holds for the end of the conversation's coalescing window (see push-hook.ts). */
  private async push(userId: string, payload: PushPayload): Promise<void> {
    try {
      if (!(await this.hasPushSubscriptions(userId))) return;
      const id = payload.conversationId;
      const window = this.store.pushWindow(id);
      if (window && payload.seq <= window.seq) return;
      const timing = pushTiming(window?.sentAt ?? null, window?.dueAt ?? null, Date.now());
      if (!timing.send) {
        if (timing.holdUntil !== null) {
          this.store.pushHeld(id, timing.holdUntil);
          await this.alarms.schedule("push", timing.holdUntil);
        }
        return;
      }
      await this.deliverPush(userId, payload);
    } catch (err) {
      console.error("push failed", err instanceof Error ? err.name : "non-error");
    }
  }

  /** Marks the window first, so pushes racing this one coalesce into it. */
  private async deliverPush(userId: string, payload: PushPayload): Promise<void> {
    this.store.pushSent(payload.conversationId, payload.seq, Date.now());
    const result = await sendPush(this.env, userId, payload);
    if (result.removed > 0) this.store.invalidatePushSubscriptions();
  }

  /** The cached answer; D1 is read once, and again only after the push routes said it changed. */
  private async hasPushSubscriptions(userId: string): Promise<boolean> {
    const cached = this.store.pushSubscriptions();
    if (cached.n !== null) return cached.n > 0;
    // Notes arriving while D1 answers share its one read.
    this.subscriptionLookup ??= (async () => {
      try {
        const n = await countSubscriptions(this.env.DB, userId);
        this.store.setPushSubscriptions(n, cached.gen);
        return n > 0;
      } finally {
        this.subscriptionLookup = null;
      }
    })();
    return this.subscriptionLookup;
  }

  /** Sends the held pushes that are due, with each conversation's newest summary; returns the next due time. */
  private async sendHeldPushes(now: number): Promise<number | null> {
    const userId = this.store.userId();
    if (!userId) return null;
    // Someone with an inbox socket open sees the conversations; held pushes are moot.
    if (this.openSockets().length > 0) {
      this.store.dropHeldPushes();
      return null;
    }
    const { due, next } = this.store.duePushes(now);
    const sends: Promise<void>[] = [];
    for (const id of due) {
      const summary = this.store.note(id)?.summary;
      const payload = summary
        ? pushPayloadFor(userId, this.withSettings(summary), this.store.pushWindow(id)?.seq ?? 0)
        : null;
      if (payload) sends.push(this.deliverPush(userId, payload));
      else this.store.pushHeld(id, null);
    }
    const results = await Promise.allSettled(sends);
    if (results.some((r) => r.status === "rejected")) console.error("held push failed");
    return next;
  }

  /** The push routes call this after a subscribe or unsubscribe: the next push re-reads D1. */
  pushSubscriptionsChanged(userId: string): { ok: true } {
    if (this.store.claim(userId)) {
      this.store.invalidatePushSubscriptions();
      // Pushes need notes again.
      this.ctx.waitUntil(this.refreshParked(userId));
    }
    return { ok: true };
  }

  /** `settings` also covers conversations whose summary this inbox lacks (the route asks their objects). */
  async summaries(userId: string): Promise<{
    ok: true;
    conversations: ConversationSummary[];
    settings: Map<string, ConversationSettings>;
  }> {
    if (this.store.claim(userId)) await this.refreshParked(userId);
    return { ok: true, conversations: this.shown(), settings: this.settings.all(Date.now()) };
  }

  /**
   * Mute/pin for one conversation; the route checked membership with the
   * conversation first. Every inbox socket (the user's other devices) gets
   * the summary with the new settings.
   */
  async setSettings(
    userId: string,
    conversationId: string,
    patch: SettingsPatch,
  ): Promise<{ ok: true; settings: ConversationSettings } | { ok: false; code: ErrorCode; message: string }> {
    if (!this.store.claim(userId)) return { ok: false, code: ErrorCode.forbidden, message: "not this inbox" };
    await this.refreshParked(userId);
    const known = this.store.note(conversationId);
    // The removal reached this inbox after the route's check: settings of a conversation left are not kept.
    if (known && !known.summary) return { ok: false, code: ErrorCode.forbidden, message: "not a member" };
    const result = this.settings.apply(conversationId, patch, Date.now());
    if (!result.ok) {
      return { ok: false, code: ErrorCode.conflict, message: `at most ${Limits.pinnedMax} pinned conversations` };
    }
    if (known?.summary) {
      this.broadcast({ type: "conversation", conversation: overlay(known.summary, result.settings) });
    }
    return result;
  }

  /** One conversation's summary as this inbox has it, refreshed first if a conversation skipped this inbox. */
  async note(conversationId: string): Promise<ReturnType<InboxStore["note"]>> {
    const userId = this.store.userId();
    if (userId) await this.refreshParked(userId);
    return this.store.note(conversationId);
  }

  presence(): EpochPresence {
    return this.store.presence();
  }

  presenceChanged(userId: string, friendId: string, p: EpochPresence): void {
    if (!this.store.claim(userId)) return;
    if (this.store.putFriend(friendId, p, false)) {
      this.broadcast({ type: "presence", userId: friendId, status: p.status, lastSeenAt: p.lastSeenAt });
    }
  }

  friendRequest(userId: string, request: FriendRequest): void {
    if (this.store.claim(userId)) this.broadcast({ type: "friend_request", request });
  }

  friendAdded(userId: string, friend: Friend, epoch: number): void {
    if (!this.store.claim(userId)) return;
    this.store.putFriend(friend.user.id, { ...friend.presence, epoch }, true);
    this.broadcast({ type: "friend_added", friend });
  }

  friendRemoved(userId: string, friendId: string): void {
    if (!this.store.claim(userId)) return;
    this.store.removeFriend(friendId);
    this.broadcast({ type: "friend_removed", userId: friendId });
  }

  /** Closes (4001) sockets of ended sessions: logout passes `only`, a password change `except`. */
  closeSessions(scope: SessionScope): { ok: true; closed: number } {
    let closed = 0;
    for (const ws of this.openSockets()) {
      const att = this.host.attachment(ws);
      if (!att || !inScope(att.sessionId, scope)) continue;
      closeQuietly(ws, CloseCode.unauthorized, "session revoked");
      closed += 1;
    }
    if (closed > 0) this.updatePresence();
    return { ok: true, closed };
  }
}
