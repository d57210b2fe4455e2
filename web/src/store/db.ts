// Everything the app keeps in IndexedDB, behind one small module: the
// signed-in user, conversation summaries and details, the last messages of
// each conversation, and the outbox of changes not yet acked by the server.
// Every call swallows storage failures (private mode, quota): the cache is
// an accelerator and the outbox a safety net, never a reason to break a send.
import { type DBSchema, type IDBPDatabase, openDB } from "idb";
import type { ChangeFrame, Conversation, ConversationSummary, Me, UploadMethod } from "../../../worker/protocol";
import type { ReadMarkers } from "../chat/receipts";
import type { TimelineItem } from "../chat/timeline";
import type { FileKind } from "../upload/plan";
import { newestItems, readableCachedItems } from "./trim";

/** Messages kept per conversation. */
export const CACHED_MESSAGES = 200;

export interface OutboxEntry {
  clientId: string;
  conversationId: string;
  frame: ChangeFrame;
  queuedAt: number;
}

/** A file upload not finished yet: the bytes themselves are kept, so a reload can resume it. */
export interface UploadRecord {
  /** The server's file id. */
  id: string;
  conversationId: string;
  name: string;
  size: number;
  contentType: string;
  kind: FileKind;
  blob: Blob;
  method: UploadMethod;
  partSize: number;
  /** Idempotency key of the message that will carry the file. */
  clientId: string;
  replyTo?: number;
  paused: boolean;
  /** All bytes are on the server; only the message is left to send. */
  uploaded: boolean;
  createdAt: number;
}

interface Schema extends DBSchema {
  kv: { key: string; value: unknown };
  summaries: { key: string; value: ConversationSummary };
  details: { key: string; value: Conversation };
  /** `hasMore` is absent in caches written before it was kept. */
  messages: { key: string; value: { conversationId: string; items: TimelineItem[]; hasMore?: boolean } };
  outbox: { key: string; value: OutboxEntry; indexes: { byConversation: string } };
  uploads: { key: string; value: UploadRecord };
}

const DB_NAME = "imsys";
let opening: Promise<IDBPDatabase<Schema>> | null = null;

function db(): Promise<IDBPDatabase<Schema>> {
  opening ??= openDB<Schema>(DB_NAME, 2, {
    upgrade(d, oldVersion) {
      if (oldVersion < 1) {
        d.createObjectStore("kv");
        d.createObjectStore("summaries", { keyPath: "id" });
        d.createObjectStore("details", { keyPath: "id" });
        d.createObjectStore("messages", { keyPath: "conversationId" });
        d.createObjectStore("outbox", { keyPath: "clientId" }).createIndex("byConversation", "conversationId");
      }
      if (oldVersion < 2) d.createObjectStore("uploads", { keyPath: "id" });
    },
  });
  return opening;
}

async function quietly<T>(fallback: T, fn: (d: IDBPDatabase<Schema>) => Promise<T>): Promise<T> {
  try {
    return await fn(await db());
  } catch {
    return fallback;
  }
}

export const saveMe = (me: Me) => quietly(undefined, async (d) => void (await d.put("kv", me, "me")));

/** The last signed-in user, for starting offline. Shape-checked: it is our own data, but from an older build maybe. */
export const loadMe = () =>
  quietly(null, async (d) => {
    const me: unknown = await d.get("kv", "me");
    if (typeof me !== "object" || me === null || !("id" in me) || !("displayName" in me)) return null;
    return me as Me;
  });

export const saveSummaries = (list: ConversationSummary[]) =>
  quietly(undefined, async (d) => {
    const tx = d.transaction("summaries", "readwrite");
    await tx.store.clear();
    await Promise.all([...list.map((s) => tx.store.put(s)), tx.done]);
  });

export const loadSummaries = () => quietly<ConversationSummary[]>([], (d) => d.getAll("summaries"));

export const saveConversation = (c: Conversation) => quietly(undefined, async (d) => void (await d.put("details", c)));

export const loadConversation = (id: string) =>
  quietly<Conversation | null>(null, async (d) => (await d.get("details", id)) ?? null);

/** Keeps the newest CACHED_MESSAGES acked messages, and whether older ones exist before them. */
export const saveMessages = (conversationId: string, items: TimelineItem[], hasMore: boolean) =>
  quietly(undefined, async (d) => {
    const kept = newestItems(items, CACHED_MESSAGES);
    const trimmed = kept.length < items.filter((i) => i.seq !== null && i.status === "sent").length;
    await d.put("messages", { conversationId, items: kept, hasMore: hasMore || trimmed });
  });

/**
 * The cached messages this build can show, each checked on its own (readableCachedItems);
 * `hasMore` is null when the cache does not say (an older build wrote it).
 */
export const loadMessages = (conversationId: string) =>
  quietly<{ items: TimelineItem[]; hasMore: boolean | null }>({ items: [], hasMore: null }, async (d) => {
    const cached = await d.get("messages", conversationId);
    const items = readableCachedItems(cached?.items);
    return { items, hasMore: typeof cached?.hasMore === "boolean" ? cached.hasMore : null };
  });

export const queueOutbox = (entry: OutboxEntry) => quietly(undefined, async (d) => void (await d.put("outbox", entry)));

export const removeOutbox = (clientId: string) => quietly(undefined, (d) => d.delete("outbox", clientId));

/** Unacked changes of one conversation, oldest first (the order they were written). */
export const loadOutbox = (conversationId: string) =>
  quietly<OutboxEntry[]>([], async (d) =>
    (await d.getAllFromIndex("outbox", "byConversation", conversationId)).sort((a, b) => a.queuedAt - b.queuedAt),
  );

export const saveUpload = (record: UploadRecord) =>
  quietly(undefined, async (d) => void (await d.put("uploads", record)));

export const removeUpload = (id: string) => quietly(undefined, (d) => d.delete("uploads", id));

export const loadUploads = () => quietly<UploadRecord[]>([], (d) => d.getAll("uploads"));

export const countUploads = () => quietly(0, (d) => d.count("uploads"));

/** Other members' read markers of one conversation, as last heard (receipts are not replayed). */
export const saveReceipts = (conversationId: string, markers: ReadMarkers) =>
  quietly(undefined, async (d) => void (await d.put("kv", markers, `receipts:${conversationId}`)));

export const loadReceipts = (conversationId: string) =>
  quietly<ReadMarkers>(new Map(), async (d) => {
    const value: unknown = await d.get("kv", `receipts:${conversationId}`);
    if (typeof value !== "object" || value === null) return new Map();
    // A Map since issue 13; an older build stored a plain object (own keys only either way).
    const entries: Iterable<[unknown, unknown]> = value instanceof Map ? value : Object.entries(value);
    const markers = new Map<string, number>();
    for (const [userId, seq] of entries)
      if (typeof userId === "string" && typeof seq === "number") markers.set(userId, seq);
    return markers;
  });

/** The unsent text of one chat's composer (an empty text removes it). */
export const saveDraft = (conversationId: string, text: string) =>
  quietly(undefined, async (d) => {
    if (text === "") await d.delete("kv", `draft:${conversationId}`);
    else await d.put("kv", text, `draft:${conversationId}`);
  });

export const loadDraft = (conversationId: string) =>
  quietly("", async (d) => {
    const value: unknown = await d.get("kv", `draft:${conversationId}`);
    return typeof value === "string" ? value : "";
  });

/** Signing out forgets everything this user's device kept. */
export const clearAll = () =>
  quietly(undefined, async (d) => {
    const names = ["kv", "summaries", "details", "messages", "outbox", "uploads"] as const;
    const tx = d.transaction(names, "readwrite");
    await Promise.all([...names.map((n) => tx.objectStore(n).clear()), tx.done]);
  });
