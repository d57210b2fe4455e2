// Runs file uploads in the background of the tab: creates the file, sends
// its bytes (one PUT, or 8 MiB parts resumed from what the server has),
// completes it and sends the message. Every upload is kept in IndexedDB with
// its Blob until its message is sent, so a network drop or a reload resumes
// it. Views watch `uploads`; nothing here knows about Preact.

import { postMessage } from "../api/conversations";
import { ApiFailure, describeError } from "../api/failure";
import {
  completeUpload,
  contentPath,
  createUpload,
  deleteFile,
  fileMeta,
  listParts,
  type PutHandle,
  partPath,
  putBytes,
  UploadAborted,
} from "../api/files";
import { backoffDelay } from "../net/backoff";
import { onWake } from "../net/wake";
import { loadUploads, removeUpload, saveUpload, type UploadRecord } from "../store/db";
import { createStore } from "../ui/store";
import { bytesDone, kindOf, missingParts, partRange } from "./plan";
import { thumbnailUrl } from "./thumbnail";

export type UploadState = "preparing" | "uploading" | "paused" | "waiting" | "sending" | "failed";

export interface UploadView {
  /** The file id once created; a temporary key before. */
  key: string;
  /** Whether the server knows the file yet (until then it can only be cancelled). */
  created: boolean;
  conversationId: string;
  name: string;
  size: number;
  kind: UploadRecord["kind"];
  loaded: number;
  state: UploadState;
  error?: string;
  thumb?: string;
}

export const uploads = createStore<UploadView[]>([]);

const records = new Map<string, UploadRecord>();
const running = new Map<string, PutHandle | null>();
const retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
const retryAttempts = new Map<string, number>();

function update(key: string, change: Partial<UploadView>): void {
  uploads.set((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));
}

/** Lists an upload and fetches its thumbnail in the background. */
function show(view: UploadView, blob: Blob): void {
  uploads.set((list) => [...list, view]);
  void thumbnailUrl(blob).then((thumb) => thumb && update(view.key, { thumb }));
}

function clearRetryTimer(key: string): void {
  const timer = retryTimers.get(key);
  if (timer !== undefined) clearTimeout(timer);
  retryTimers.delete(key);
}

function drop(key: string): void {
  const gone = uploads.get().find((u) => u.key === key);
  if (gone?.thumb) URL.revokeObjectURL(gone.thumb);
  uploads.set((list) => list.filter((u) => u.key !== key));
  records.delete(key);
  retryAttempts.delete(key);
  clearRetryTimer(key);
}

const isNetwork = (err: unknown) => err instanceof ApiFailure && err.status === 0;

/** Starts uploading `blob` into a conversation; the message follows when the bytes are in. */
export async function startUpload(
  conversationId: string,
  blob: Blob,
  name: string,
  opts: { replyTo?: number } = {},
): Promise<void> {
  const contentType = blob.type || "application/octet-stream";
  const key = `tmp:${crypto.randomUUID()}`;
  const kind = kindOf(contentType);
  show({ key, created: false, conversationId, name, size: blob.size, kind, loaded: 0, state: "preparing" }, blob);
  try {
    const created = await createUpload({ conversationId, name, size: blob.size, contentType });
    const record: UploadRecord = {
      id: created.file.id,
      conversationId,
      name,
      size: blob.size,
      contentType,
      kind,
      blob,
      method: created.upload.method,
      partSize: created.upload.partSize,
      clientId: crypto.randomUUID(),
      ...(opts.replyTo === undefined ? {} : { replyTo: opts.replyTo }),
      paused: false,
      uploaded: false,
      createdAt: Date.now(),
    };
    await saveUpload(record);
    records.set(record.id, record);
    uploads.set((list) => list.map((u) => (u.key === key ? { ...u, key: record.id, created: true } : u)));
    void run(record.id);
  } catch (err) {
    update(key, { state: "failed", error: describeError(err) });
  }
}

/** Resumes every upload this device kept (after a reload or a new sign-in). */
export async function resumeUploads(): Promise<void> {
  for (const record of await loadUploads()) {
    if (records.has(record.id)) continue;
    records.set(record.id, record);
    const { id: key, conversationId, name, size, kind } = record;
    show(
      {
        key,
        created: true,
        conversationId,
        name,
        size,
        kind,
        loaded: 0,
        state: record.paused ? "paused" : "preparing",
      },
      record.blob,
    );
    if (!record.paused) void run(record.id);
  }
}

export function pauseUpload(key: string): void {
  const record = records.get(key);
  if (!record) return;
  record.paused = true;
  void saveUpload(record);
  running.get(key)?.abort();
  update(key, { state: "paused" });
}

export function resumeUpload(key: string): void {
  const record = records.get(key);
  if (!record) return;
  record.paused = false;
  void saveUpload(record);
  void run(key);
}

/** Stops an upload for good and deletes what the server has of it. */
export function cancelUpload(key: string): void {
  running.get(key)?.abort();
  const record = records.get(key);
  drop(key);
  if (!record) return;
  void removeUpload(record.id);
  deleteFile(record.id).catch(() => undefined); // the server also drops pending uploads after a day
}

/** Another tab may be running the same upload: a Web Lock lets only one do it. */
function exclusive(key: string, fn: () => Promise<void>): Promise<void> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  if (!locks) return fn();
  return locks.request(`imsys-upload-${key}`, { ifAvailable: true }, async (lock) => {
    if (lock) await fn();
  });
}

async function run(key: string): Promise<void> {
  if (running.has(key)) return;
  const record = records.get(key);
  if (!record || record.paused) return;
  running.set(key, null);
  try {
    await exclusive(key, () => transfer(record));
  } finally {
    running.delete(key);
  }
}

async function transfer(record: UploadRecord): Promise<void> {
  const key = record.id;
  try {
    if (!record.uploaded) {
      update(key, { state: "uploading", error: undefined });
      await sendBytes(record);
      record.uploaded = true;
      await saveUpload(record);
    }
    update(key, { state: "sending", loaded: record.size });
    await sendMessage(record);
    await removeUpload(key);
    drop(key);
  } catch (err) {
    if (err instanceof UploadAborted || record.paused) {
      update(key, { state: "paused" });
    } else if (isNetwork(err)) {
      update(key, { state: "waiting" });
      retryLater(key);
    } else {
      update(key, { state: "failed", error: describeError(err) });
    }
  }
}

async function sendBytes(record: UploadRecord): Promise<void> {
  const key = record.id;
  const track = (handle: PutHandle) => {
    running.set(key, handle);
    return handle.done;
  };
  if (record.method === "single") {
    await track(putBytes(contentPath(key), record.blob, (loaded) => update(key, { loaded }))).catch(unlessReady(key));
    return;
  }
  const parts = await listParts(key);
  let base = bytesDone(record.size, record.partSize, parts);
  update(key, { loaded: base });
  for (const n of missingParts(record.size, record.partSize, parts)) {
    const [start, end] = partRange(n, record.size, record.partSize);
    const offset = base;
    await track(
      putBytes(partPath(key, n), record.blob.slice(start, end), (loaded) => update(key, { loaded: offset + loaded })),
    );
    base += end - start;
    retryAttempts.delete(key); // progress made: the next drop starts its backoff afresh
  }
  await completeUpload(key).catch(unlessReady(key));
}

/** Rethrows, unless it is a 409 because the file is already complete (done before a reload that came too early to note it). */
const unlessReady =
  (fileId: string) =>
  async (err: unknown): Promise<void> => {
    if (!(err instanceof ApiFailure && err.status === 409 && (await isReady(fileId)))) throw err;
  };

async function isReady(fileId: string): Promise<boolean> {
  try {
    return (await fileMeta(fileId)).file.status === "ready";
  } catch {
    return false;
  }
}

async function sendMessage(record: UploadRecord): Promise<void> {
  const body = {
    clientId: record.clientId,
    kind: record.kind,
    fileId: record.id,
    ...(record.replyTo === undefined ? {} : { replyTo: record.replyTo }),
  };
  try {
    await postMessage(record.conversationId, body);
  } catch (err) {
    // The server sniffs the bytes; a type the browser misjudged still goes out as a plain file.
    if (!(err instanceof ApiFailure && err.status === 400 && record.kind !== "file")) throw err;
    await postMessage(record.conversationId, { ...body, clientId: `${record.clientId}-f`, kind: "file" });
  }
}

function retryLater(key: string): void {
  if (retryTimers.has(key)) return;
  const attempt = retryAttempts.get(key) ?? 0;
  retryAttempts.set(key, attempt + 1);
  const delay = backoffDelay(attempt);
  retryTimers.set(
    key,
    setTimeout(() => {
      retryTimers.delete(key);
      void run(key);
    }, delay),
  );
}

function retryWaitingNow(): void {
  for (const u of uploads.get()) {
    if (u.state !== "waiting") continue;
    clearRetryTimer(u.key);
    void run(u.key);
  }
}

if (typeof window !== "undefined") onWake(retryWaitingNow);
