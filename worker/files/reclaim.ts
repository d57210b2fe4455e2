import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { FileFacts } from "../conversation/message-file";
import type { LogStore } from "../conversation/store";
import { files } from "../db/schema";
import type { Bindings } from "../http/env";
import { removeFile } from "./remove";

/** What a file message needs of the file's D1 row; null for an unknown id. */
export async function fileFacts(env: Bindings, fileId: string): Promise<FileFacts | null> {
  const [row] = await drizzle(env.DB)
    .select({
      id: files.id,
      conversationId: files.conversationId,
      name: files.name,
      size: files.size,
      status: files.status,
      detectedType: files.detectedType,
    })
    .from(files)
    .where(eq(files.id, fileId))
    .limit(1);
  return row ?? null;
}

/** Per alarm run; the rest waits for the next one. */
const RECLAIM_BATCH = 50;

/**
 * Deletes the bytes and rows of files the conversation queued when their
 * last message was deleted. Queued files can no longer be sent (the log
 * refuses them), so nothing can reference a file between the check and the
 * delete. Only files of this conversation are touched. Returns false if
 * something failed and is still queued.
 */
export async function reclaimFiles(env: Bindings, store: LogStore, conversationId: string): Promise<boolean> {
  let ok = true;
  for (const fileId of store.reclaimQueue(RECLAIM_BATCH)) {
    try {
      const [row] = await drizzle(env.DB).select().from(files).where(eq(files.id, fileId)).limit(1);
      if (row && row.conversationId === conversationId) await removeFile(env, row);
      store.reclaimDone(fileId);
    } catch (err) {
      ok = false;
      console.error("file reclaim failed", fileId, err instanceof Error ? err.name : "non-error thrown");
    }
  }
  return ok;
}
